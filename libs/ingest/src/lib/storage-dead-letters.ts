import { DEAD_LETTERS_DIR, deadLetterFileKey, type StorageBackend } from '@pipeline/storage';
import { DLQ_HEADERS, type DeadLetterPublisher, type DeadLetterRecord } from './dead-letter';

/**
 * Dead letters as NDJSON files on the storage backend, for ingestion without a DLQ topic (the backfill): one file
 * per chunk, `dead-letters/<source>/<source>+<partition>+<first refused offset>.ndjson`, each line
 * `{"headers": {...}, "value": "<original bytes as latin1>"}`. A chunk written again overwrites its own file.
 */
export class StorageDeadLetters implements DeadLetterPublisher {
  constructor(
    private readonly backend: StorageBackend,
    private readonly source: string,
  ) {}

  /** The folder the files go to. */
  get prefix(): string {
    return `${DEAD_LETTERS_DIR}/${this.source}`;
  }

  async publish(records: DeadLetterRecord[]): Promise<void> {
    if (records.length === 0) return;
    const first = records[0].headers;
    const key = deadLetterFileKey(this.source, Number(first[DLQ_HEADERS.sourcePartition]), String(first[DLQ_HEADERS.sourceOffset]));
    const lines = records.map((record) => {
      const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, String(v)]));
      // latin1 keeps every byte as it was, including lines that are not UTF-8.
      return JSON.stringify({ headers, value: record.value?.toString('latin1') ?? null });
    });
    await this.backend.writeAtomic(key, Buffer.from(lines.join('\n') + '\n', 'utf8'));
  }

  /** Removes every file of the source (a re-run replaces the earlier run's dead letters, as it replaces its files). */
  async clear(): Promise<void> {
    for (const key of await this.backend.list(this.prefix)) await this.backend.remove(key);
  }
}
