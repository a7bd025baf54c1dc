import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShopEvent } from '@pipeline/events';
import {
  listVisibleFiles,
  LocalFileSystemBackend,
  MetricsRollup,
  PartitionedEventSink,
  readEventRowsInRange,
  type StorageBackend,
} from '@pipeline/storage';

/**
 * `kill -9` of the built compaction CLI (dist/apps/processor/compact.js, what `npm run compact` runs) at random
 * moments, with late batches arriving between runs: after every kill, readers see every event exactly once; a final
 * run leaves only visible files, and the metric tables read the same before and after it.
 */

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const CLI = join(WORKSPACE_ROOT, 'dist', 'apps', 'processor', 'compact.js');
const HOURS = ['2026-11-27T09', '2026-11-27T10', '2026-11-27T11'];
const RANDOM_KILLS = 6;

function eventAt(time: number, n: number): ShopEvent {
  return {
    event_id: randomUUID(),
    event_type: 'page_view',
    schema_version: 1,
    event_time: new Date(time).toISOString(),
    user_id: `u-${n % 17}`,
    session_id: `s-${n % 23}`,
    device: { type: n % 2 ? 'mobile' : 'desktop', os: 'Linux', browser: 'Firefox' },
    country: 'DE',
    page: '/p',
    referrer: null,
    product: null,
  } as ShopEvent;
}

/** `count` events at random times of the three hours. */
function randomEvents(count: number): ShopEvent[] {
  const start = Date.parse(`${HOURS[0]}:00:00Z`);
  return Array.from({ length: count }, (_, n) => eventAt(start + Math.floor(Math.random() * 3 * 3_600_000), n));
}

/**
 * Runs the CLI; kills it with SIGKILL `killAfterMs` after it reports that it started (module loading is slow and
 * uneven on a busy machine, so a delay from spawn would mostly land before any work), or has it SIGKILL itself right
 * after its n-th protocol step (COMPACTION_TEST_SIGKILL_AFTER_STEP).
 */
function runCli(
  dataDir: string,
  kill: { afterMs?: number; afterStep?: number } | null,
): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--data', dataDir, '--all-closed', '--max-events-per-file', '150', ...(kill === null ? ['--orphan-age-ms', '0'] : [])], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...(kill?.afterStep ? { COMPACTION_TEST_SIGKILL_AFTER_STEP: String(kill.afterStep) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (kill?.afterMs !== undefined && !timer && output.includes('compact: started')) {
        timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

async function visibleIds(backend: StorageBackend): Promise<string[]> {
  return (await readEventRowsInRange(backend)).map((row) => String(row['event_id'])).sort();
}

async function metricFiles(backend: StorageBackend): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const key of await backend.list('metrics')) files.set(key, (await backend.read(key)).toString('base64'));
  return files;
}

describe('compaction killed with SIGKILL at random moments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'compaction-crash-'));
  const backend = new LocalFileSystemBackend(dataDir);
  const sink = new PartitionedEventSink(backend);
  const rollup = new MetricsRollup(backend);
  const written: string[] = [];
  const nextOffset = [0, 0];

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function writeBatches(batches: number, size: number): Promise<void> {
    for (let b = 0; b < batches; b++) {
      const partition = b % 2;
      const events = randomEvents(size);
      const first = nextOffset[partition];
      nextOffset[partition] += size;
      const result = await sink.writeBatch({ topic: 'e2e', partition, firstOffset: String(first), lastOffset: String(first + size - 1), events });
      await sink.completeBatch('e2e', partition);
      await rollup.rollupHours(result.hours);
      written.push(...events.map((e) => e.event_id));
    }
  }

  it('keeps every event exactly once through kills and re-runs, and ends with only visible files', async () => {
    await writeBatches(40, 10);
    const outcomes: string[] = [];
    // Every step count up to 8 (listing, each output, the commit, the first deletes of the first hour), some later
    // ones (further hours), and kills at random moments.
    const kills = [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 13, 21, 34, 55].map((afterStep) => ({ afterStep })),
      ...Array.from({ length: RANDOM_KILLS }, () => ({ afterMs: Math.floor(Math.random() * 1500) })),
    ];
    for (const kill of kills) {
      const manifestsBefore = (await backend.list('compactions')).length;
      const { code, signal } = await runCli(dataDir, kill);
      // Where the kill landed: manifests committed by this run, and files left invisible (replaced or orphaned).
      let invisible = 0;
      for (const dataset of ['events', 'partials', 'ids']) {
        invisible += (await backend.list(dataset)).length - (await listVisibleFiles(backend, dataset)).length;
      }
      const committed = (await backend.list('compactions')).length - manifestsBefore;
      outcomes.push(`${signal ?? `exit ${code}`} ${JSON.stringify(kill)}: ${committed} manifests, ${invisible} invisible files left`);
      expect(await visibleIds(backend)).toEqual([...written].sort());
      // Late events for the next run.
      await writeBatches(4, 10);
    }
    const tablesBefore = await metricFiles(backend);
    const last = await runCli(dataDir, null);
    outcomes.push(`final run: ${last.output.split('\n').filter((l) => l.startsWith('compact: year')).length} hours`);
    expect(last).toMatchObject({ code: 0 });
    expect(await visibleIds(backend)).toEqual([...written].sort());
    // Nothing hidden or orphaned is left: the folders hold exactly the visible files, at most 150 events per file.
    for (const dataset of ['events', 'partials', 'ids']) {
      expect(await listVisibleFiles(backend, dataset)).toEqual(await backend.list(dataset));
    }
    const perHour = Math.ceil(written.length / 150) + 1;
    for (const hour of HOURS.map((h) => `year=2026/month=11/day=27/hour=${h.slice(-2)}`)) {
      expect((await backend.list(`events/${hour}`)).length).toBeLessThanOrEqual(perHour);
      expect(await backend.list(`partials/${hour}`)).toHaveLength(1);
    }
    await rollup.rollupHours(HOURS.map((h) => `year=2026/month=11/day=27/hour=${h.slice(-2)}`));
    expect(await metricFiles(backend)).toEqual(tablesBefore);
    process.stdout.write(`compaction kill test:\n${outcomes.join('\n')}\n`);
  }, 600_000);
});
