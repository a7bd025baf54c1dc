import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { ParquetEncodingOptions, StorageBackend } from '@pipeline/storage';
import type { IngestLogger } from './ingest-batch';
import { OfflineIngest, type OfflineIngestTotals } from './offline-ingest';

export interface BackfillOptions {
  input: string;
  backend: StorageBackend;
  /** Source name used in file names instead of a Kafka topic; defaults to `backfill.<input file name>`. */
  source?: string;
  chunkSize: number;
  parquet?: ParquetEncodingOptions;
  onProgress?: (totals: OfflineIngestTotals) => void;
  logger?: IngestLogger;
}

/**
 * Loads an NDJSON file (e.g. `npm run generate -- --dry-run` output) through the processor's own path: quality gate,
 * exactly-once sink, quality reports, rollups. Line numbers are the offsets. Running the same backfill again stores
 * nothing twice: its events are already in the lake's id index and come back as duplicate_event_id. Refused lines go to `dead-letters/<source>/` on the backend with their reason, since
 * there is no Kafka DLQ to send them to.
 */
export async function backfillNdjson(options: BackfillOptions): Promise<OfflineIngestTotals> {
  const source = sanitizeSource(options.source ?? `backfill.${basename(options.input).replace(/\.[^.]*$/, '')}`);
  const ingest = new OfflineIngest({ backend: options.backend, source, chunkSize: options.chunkSize, parquet: options.parquet, logger: options.logger });
  // latin1 keeps every byte of the line as it was (a line that is not UTF-8 must reach the gate as such).
  const lines = createInterface({ input: createReadStream(options.input, { encoding: 'latin1' }), crlfDelay: Infinity });
  let chunksReported = 0;
  for await (const line of lines) {
    if (line.trim() === '') ingest.skip();
    else await ingest.add(Buffer.from(line, 'latin1'));
    const chunks = Math.floor(ingest.totals.messages / options.chunkSize);
    if (chunks > chunksReported) {
      chunksReported = chunks;
      options.onProgress?.(ingest.totals);
    }
  }
  await ingest.flush();
  return ingest.totals;
}

function sanitizeSource(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200);
}
