import { parseArgs } from 'node:util';
import type { CommandIo } from './command-io';
import {
  compactClosedHours,
  compactHour,
  DEFAULT_COMPACTION_GRACE_MS,
  DEFAULT_MAX_EVENTS_PER_FILE,
  DEFAULT_ORPHAN_AGE_MS,
  createStorageBackend,
  resolveStorageUrl,
  PartitionPath,
  type HourCompactionResult,
  type StorageBackend,
} from '@pipeline/storage';

const USAGE = `Usage: npm run compact -- (--all-closed | --hour year=2026/month=11/day=27/hour=09 | --hour 2026-11-27T09)
                          [--data file://data | --data data] [--grace-ms 600000] [--max-events-per-file ${DEFAULT_MAX_EVENTS_PER_FILE}]
                          [--orphan-age-ms 3600000]

Merges the small event, partial and id files of closed hours into one file each (or a few: at most
--max-events-per-file events per events file), committed by a manifest under compactions/<hour>/. Safe to run
again at any time, also after it was killed. Storage: --data, else STORAGE_URL, else DATA_DIR, else "data".
Environment defaults: COMPACTION_GRACE_MS, COMPACTION_MAX_EVENTS_PER_FILE, COMPACTION_ORPHAN_AGE_MS.
Prints one JSON summary on stdout.`;

/** A whole number >= min from a flag or an environment variable, or a problem to report. */
function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function parseHour(raw: string): PartitionPath {
  const partition = PartitionPath.tryParse(raw);
  if (partition) return partition;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(raw) ? `${raw}:00:00Z` : raw);
  if (!Number.isFinite(ms)) throw new Error(`--hour: not an hour: "${raw}"`);
  return PartitionPath.fromEventTime(ms);
}

function describe(result: HourCompactionResult): string {
  const perEvent = result.events > 0 ? ` (${(result.sourceEventBytes / result.events).toFixed(1)} -> ${(result.outputEventBytes / result.events).toFixed(1)} B/event)` : '';
  return (
    `compact: ${result.hour}: ${result.outcome}, ${result.sources.events} event files -> ${result.outputs.filter((k) => k.endsWith('.parquet')).length}, ` +
    `${result.events} events${perEvent}, ${result.deleted.length} replaced files deleted, ${result.orphansDeleted.length} orphans removed, ${result.durationMs} ms\n`
  );
}

/** `npm run compact`: compacts closed hours (or one) of the lake. Returns the exit code (0 done, 2 bad arguments). */
export async function runCompactCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        hour: { type: 'string' },
        'all-closed': { type: 'boolean' },
        'grace-ms': { type: 'string' },
        'max-events-per-file': { type: 'string' },
        'orphan-age-ms': { type: 'string' },
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
  const problems: string[] = [];
  const graceMs = wholeNumber('--grace-ms / COMPACTION_GRACE_MS', (values['grace-ms'] as string) ?? env['COMPACTION_GRACE_MS'], DEFAULT_COMPACTION_GRACE_MS, 0, problems);
  const maxEventsPerFile = wholeNumber(
    '--max-events-per-file / COMPACTION_MAX_EVENTS_PER_FILE',
    (values['max-events-per-file'] as string) ?? env['COMPACTION_MAX_EVENTS_PER_FILE'],
    DEFAULT_MAX_EVENTS_PER_FILE,
    1,
    problems,
  );
  const orphanAgeMs = wholeNumber('--orphan-age-ms / COMPACTION_ORPHAN_AGE_MS', (values['orphan-age-ms'] as string) ?? env['COMPACTION_ORPHAN_AGE_MS'], DEFAULT_ORPHAN_AGE_MS, 0, problems);
  const hourArg = values['hour'] as string | undefined;
  if (!hourArg === !values['all-closed']) problems.push('give exactly one of --hour and --all-closed');
  let hour: PartitionPath | null = null;
  if (hourArg) {
    try {
      hour = parseHour(hourArg);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const data = values['data'] as string | undefined;
  // --data takes a URL (file://…, s3://…) or a plain folder, like DATA_DIR.
  const location = data ? (/^[a-z][a-z0-9+.-]*:\/\//i.test(data) ? data : `file://${data}`) : resolveStorageUrl({ STORAGE_URL: env['STORAGE_URL'], DATA_DIR: env['DATA_DIR'] });
  let backend: StorageBackend | null = null;
  try {
    backend = createStorageBackend({ STORAGE_URL: location, S3_ENDPOINT: env['S3_ENDPOINT'], AWS_REGION: env['AWS_REGION'] });
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || !backend) {
    io.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  // Test hook of the crash test: a real SIGKILL of this process right after the n-th protocol step.
  const killAfterStep = Number(env['COMPACTION_TEST_SIGKILL_AFTER_STEP'] ?? 0);
  let steps = 0;
  const afterStep = killAfterStep > 0 ? () => void (++steps === killAfterStep && process.kill(process.pid, 'SIGKILL')) : undefined;
  const options = { maxEventsPerFile, orphanAgeMs, afterStep };
  const started = Date.now();
  io.stderr.write(`compact: started on ${location}\n`);
  const results = hour ? [await compactHour(backend, hour, options)] : (await compactClosedHours(backend, { ...options, graceMs })).hours;
  for (const result of results) io.stderr.write(describe(result));
  const summary = {
    storage: location,
    hours: results.length,
    compacted: results.filter((r) => r.outcome === 'compacted').length,
    events: results.reduce((n, r) => n + r.events, 0),
    eventFilesReplaced: results.reduce((n, r) => n + r.sources.events, 0),
    filesDeleted: results.reduce((n, r) => n + r.deleted.length, 0),
    durationMs: Date.now() - started,
    results,
  };
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

