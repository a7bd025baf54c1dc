import { eventTimeMillis } from '@pipeline/events';
import type { RuleSet } from '@pipeline/quality';
import type { ParquetEncodingOptions, StorageBackend } from '@pipeline/storage';
import type { IngestLogger, IngestMessage } from './ingest-batch';
import { IngestPipeline } from './ingest-pipeline';
import { StorageDeadLetters } from './storage-dead-letters';

export interface OfflineIngestOptions {
  backend: StorageBackend;
  /** Plays the topic in file names; must be a valid Kafka topic name. */
  source: string;
  /** Messages per batch: each batch is validated, stored, reported and committed on its own. */
  chunkSize: number;
  parquet?: ParquetEncodingOptions;
  ruleSet?: RuleSet;
  /** The quality rules' clock (freshness, timestamp range). */
  now?: () => number;
  logger?: IngestLogger;
}

export interface OfflineIngestTotals {
  /** Messages read, including skipped blank lines. */
  messages: number;
  stored: number;
  deadLettered: number;
  files: number;
  /** Storage folder of the dead letters (`dead-letters/<source>`). */
  deadLetterPrefix: string;
}

/**
 * Messages without Kafka (an NDJSON file, a simulation) through the processor's own path: the IngestPipeline with
 * dead letters on the storage backend. The input plays a one-partition topic whose offsets are the messages'
 * positions, so ingesting the same input again rewrites the same file names instead of adding duplicates.
 */
export class OfflineIngest {
  readonly pipeline: IngestPipeline;
  readonly totals: OfflineIngestTotals;
  private readonly deadLetters: StorageDeadLetters;
  private chunk: IngestMessage[] = [];
  private cleared = false;

  constructor(private readonly options: OfflineIngestOptions) {
    this.deadLetters = new StorageDeadLetters(options.backend, options.source);
    this.totals = { messages: 0, stored: 0, deadLettered: 0, files: 0, deadLetterPrefix: this.deadLetters.prefix };
    this.pipeline = new IngestPipeline({
      backend: options.backend,
      deadLetters: this.deadLetters,
      maxEvents: options.chunkSize,
      parquet: options.parquet,
      replaceExisting: true,
      ruleSet: options.ruleSet,
      now: options.now,
      logger: options.logger,
      onFlushed: (report) => {
        this.totals.stored += report.valid.length;
        this.totals.deadLettered += report.deadLetters.length;
        this.totals.files += report.files.length;
      },
    });
  }

  /** Adds the next message (its offset is its position); a full chunk is stored before this resolves. */
  async add(value: Buffer): Promise<void> {
    const offset = this.totals.messages++;
    this.chunk.push({ offset: String(offset), key: null, value, timestamp: String(eventTimeOf(value)), headers: {} });
    if (this.chunk.length >= this.options.chunkSize) await this.flush();
  }

  /** Counts a position that holds no message (a blank line), so later offsets stay the same on every run. */
  skip(): void {
    this.totals.messages++;
  }

  /** Stores what was added since the last flush as one batch, then rolls up the hours it touched. */
  async flush(): Promise<void> {
    if (!this.cleared) {
      await this.deadLetters.clear();
      this.cleared = true;
    }
    if (this.chunk.length === 0) return;
    const messages = this.chunk;
    this.chunk = [];
    await this.pipeline.ingest({
      topic: this.options.source,
      partition: 0,
      firstOffset: messages[0].offset,
      lastOffset: messages[messages.length - 1].offset,
      highWatermark: String(this.totals.messages),
      messages,
      timestampKind: 'event',
    });
    await this.pipeline.rollup();
  }
}

/**
 * The message's `event_time` as its timestamp: the chunk's quality report is filed under that hour, so a re-run lands
 * in the same folders as the first run. 0 when there is none (an unparseable line).
 */
function eventTimeOf(value: Buffer): number {
  const match = /"event_time"\s*:\s*"([^"]+)"/.exec(value.toString('latin1'));
  const ms = match ? eventTimeMillis(match[1]) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}
