import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { KafkaMessage, Message } from 'kafkajs';
import type { FlushReport } from '../ingest/micro-batch-ingestor';
import { StoragePipeline } from '../ingest/storage-pipeline';

export interface BackfillOptions {
  input: string;
  dataDir: string;
  /** Source name used in file names instead of a Kafka topic; defaults to `backfill.<input file name>`. */
  source?: string;
  chunkSize: number;
  parquet: ConstructorParameters<typeof StoragePipeline>[0]['parquet'];
  onProgress?: (totals: BackfillTotals) => void;
}

export interface BackfillTotals {
  lines: number;
  stored: number;
  deadLettered: number;
  files: number;
  deadLetterFile: string;
}

/**
 * Loads an NDJSON file (e.g. `npm run generate -- --dry-run` output) through the processor's own path: quality gate,
 * exactly-once sink, quality reports, rollups. The file plays a one-partition topic whose offsets are line numbers,
 * so running the same backfill again rewrites the same file names instead of adding duplicates. Refused lines go
 * to `<DATA_DIR>/dead-letters/<source>.ndjson` with their reason, since there is no Kafka DLQ to send them to.
 */
export async function backfillNdjson(options: BackfillOptions): Promise<BackfillTotals> {
  const source = sanitizeSource(options.source ?? `backfill.${basename(options.input).replace(/\.[^.]*$/, '')}`);
  const deadLetterFile = join(options.dataDir, 'dead-letters', `${source}.ndjson`);
  const totals: BackfillTotals = { lines: 0, stored: 0, deadLettered: 0, files: 0, deadLetterFile };
  const pipeline = new StoragePipeline({
    dataDir: options.dataDir,
    parquet: options.parquet,
    maxEvents: options.chunkSize,
    replaceExisting: true,
  });
  const ingestor = pipeline.createIngestor(
    async (messages) => writeDeadLetters(deadLetterFile, messages),
    (report: FlushReport) => {
      totals.stored += report.valid.length;
      totals.deadLettered += report.deadLetters.length;
      totals.files += report.files.length;
    },
  );

  let chunk: KafkaMessage[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const messages = chunk;
    chunk = [];
    await ingestor.ingest({
      batch: { topic: source, partition: 0, messages, highWatermark: String(totals.lines) } as never,
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    });
    await pipeline.rollup();
    options.onProgress?.(totals);
  };

  // A re-run replaces the earlier run's dead letters, as it replaces its files.
  await rm(deadLetterFile, { force: true });
  const lines = createInterface({ input: createReadStream(options.input, { encoding: 'latin1' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const offset = totals.lines;
    totals.lines++;
    if (line.trim() === '') continue;
    chunk.push(toMessage(line, offset));
    if (chunk.length >= options.chunkSize) await flush();
  }
  await flush();
  await pipeline.rollup();
  return totals;
}

function toMessage(line: string, offset: number): KafkaMessage {
  // latin1 keeps every byte of the line as it was (a line that is not UTF-8 must reach the gate as such).
  const value = Buffer.from(line, 'latin1');
  return { offset: String(offset), key: null, value, timestamp: String(eventTimeOf(line)), attributes: 0, headers: {} } as KafkaMessage;
}

/** The quality report's hour comes from the event time, so a re-run lands in the same folders as the first run. */
function eventTimeOf(line: string): number {
  const match = /"event_time"\s*:\s*"([^"]+)"/.exec(line);
  const ms = match ? Date.parse(match[1]) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

async function writeDeadLetters(file: string, messages: Message[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const lines = messages.map((m) => {
    const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
    return JSON.stringify({ headers, value: (m.value as Buffer).toString('latin1') });
  });
  await appendFile(file, lines.join('\n') + '\n');
}

function sanitizeSource(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200);
}
