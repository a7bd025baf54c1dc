import { parseArgs } from 'node:util';
import type { CommandIo } from './command-io';
import { backfillNdjson } from '../ndjson-backfill';
import { createStorageBackend, DEFAULT_PARQUET_COMPRESSION, resolveStorageUrl } from '@pipeline/storage';

const USAGE = `Usage: npm run backfill -- --input events.ndjson [--storage-url file://data] [--data-dir data] [--source name] [--chunk-size 20000] [--compression GZIP|SNAPPY|UNCOMPRESSED]

Loads NDJSON events (e.g. from \`npm run generate -- --dry-run\`) into the storage (STORAGE_URL, or DATA_DIR, default
file://data) through the processor's own validation, storage and rollup code, without Kafka. Events the lake already holds
(a re-run of the same input, a slice loaded before) are refused as duplicate_event_id, never stored twice.`;

/** `npm run backfill`: loads NDJSON through the ingest path, without Kafka. Returns the exit code (0 done, 2 bad arguments). */
export async function runBackfillCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        input: { type: 'string' },
        'storage-url': { type: 'string' },
        'data-dir': { type: 'string' },
        source: { type: 'string' },
        'chunk-size': { type: 'string' },
        compression: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values['help']) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const input = values['input'] as string | undefined;
  const chunkSize = Number(values['chunk-size'] ?? 20_000);
  const compression = (values['compression'] as string | undefined) ?? DEFAULT_PARQUET_COMPRESSION;
  const problems = [
    !input && '--input is required',
    (!Number.isInteger(chunkSize) || chunkSize < 1) && '--chunk-size must be a positive integer',
    !['SNAPPY', 'GZIP', 'UNCOMPRESSED'].includes(compression) && '--compression must be SNAPPY, GZIP or UNCOMPRESSED',
  ].filter(Boolean);
  if (problems.length > 0 || !input) {
    io.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const storageUrl = resolveStorageUrl({
    STORAGE_URL: (values['storage-url'] as string | undefined) ?? (values['data-dir'] ? '' : env['STORAGE_URL']),
    DATA_DIR: (values['data-dir'] as string | undefined) ?? env['DATA_DIR'],
  });
  const started = Date.now();
  const totals = await backfillNdjson({
    input,
    backend: createStorageBackend({ STORAGE_URL: storageUrl, S3_ENDPOINT: env['S3_ENDPOINT'], AWS_REGION: env['AWS_REGION'] }),
    source: values['source'] as string | undefined,
    chunkSize,
    parquet: { compression: compression as 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' },
    onProgress: (t) => io.stderr.write(`backfill: ${t.messages} lines read, ${t.stored} stored, ${t.deadLettered} dead-lettered\n`),
    logger: { log: (m) => io.stderr.write(`backfill: ${m}\n`), warn: (m) => io.stderr.write(`backfill: ${m}\n`), error: (m) => io.stderr.write(`backfill: ${m}\n`) },
  });
  const seconds = (Date.now() - started) / 1000;
  io.stderr.write(
    `backfill: done in ${seconds.toFixed(1)} s: ${totals.messages} lines, ${totals.stored} events stored in ${storageUrl}, ` +
      `${totals.deadLettered} refused (${totals.deadLetterPrefix}/), ${Math.round(totals.messages / Math.max(seconds, 0.001))} lines/s\n`,
  );
  return 0;
}

