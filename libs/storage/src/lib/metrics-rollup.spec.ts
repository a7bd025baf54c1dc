import { computePartial, emptyPartial, serializePartial } from './hourly-partial';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { HourlyPartialsMerger, MetricsRollup, rollupHour } from './metrics-rollup';
import { hourlyMetricTables, METRIC_TABLE_COLUMNS, METRIC_TABLE_NAMES, metricTableCsv, metricTableParquet } from './metric-tables';
import { decodeParquet } from './parquet-codec';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { metricTableKey } from './storage-layout';
import { readMetricTable } from './storage-readers';
import { eventStream } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';

const HOUR = PartitionPath.parse('year=2026/month=11/day=27/hour=10');
const EVENTS = eventStream(300, '2026-11-27T10:00:00.000Z', 1, 5);

describe('metrics rollup', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;

  beforeEach(async () => {
    temp = makeTempDir('rollup');
    backend = new LocalFileSystemBackend(temp.dir);
    const parts = [EVENTS.slice(0, 100), EVENTS.slice(100, 250), EVENTS.slice(250)];
    for (const [i, part] of parts.entries()) {
      await backend.writeAtomic(`partials/${HOUR}/t+${i}+00000000000000000000.json`, serializePartial(computePartial(HOUR, part)));
    }
  });
  afterEach(() => temp.cleanup());

  it('merges every partial of the hour into all tables, as CSV and Parquet', async () => {
    const result = await rollupHour(backend, HOUR);
    expect(result.partials).toBe(3);
    expect(result.written).toHaveLength(12);
    expect(await backend.list(`metrics/summary/${HOUR}`)).toEqual([
      `metrics/summary/${HOUR}/summary.csv`,
      `metrics/summary/${HOUR}/summary.parquet`,
    ]);
    const [summary] = await readMetricTable(backend, 'summary', HOUR);
    const whole = computePartial(HOUR, EVENTS);
    expect(summary).toMatchObject({
      hour_start: '2026-11-27T10:00:00.000Z',
      events: 300,
      sessions: Object.keys(whole.sessions).length,
      users: whole.users.length,
      revenue_cents: whole.revenue_cents,
    });
  });

  it("rewrites an hour's tables written before the column rename (`hour`) with `hour_start`, CSV and Parquet", async () => {
    // The tables as an older processor wrote them: the same rows, first column named `hour`.
    for (const table of hourlyMetricTables(computePartial(HOUR, EVENTS.slice(0, 100)))) {
      const legacy = { ...table, columns: table.columns.map((c) => (c.name === 'hour_start' ? { ...c, name: 'hour' } : c)) };
      legacy.rows = table.rows.map(({ hour_start, ...rest }) => ({ hour: hour_start, ...rest }));
      await backend.writeAtomic(metricTableKey(table.name, HOUR, 'csv'), Buffer.from(metricTableCsv(legacy), 'utf8'));
      await backend.writeAtomic(metricTableKey(table.name, HOUR, 'parquet'), await metricTableParquet(legacy));
    }
    expect((await backend.read(metricTableKey('funnel', HOUR, 'csv'))).toString('utf8')).toMatch(/^hour,stage,sessions\n/);
    expect((await readMetricTable(backend, 'summary', HOUR))[0]).toMatchObject({ hour_start: '2026-11-27T10:00:00.000Z', events: 100 });

    await rollupHour(backend, HOUR);
    for (const name of METRIC_TABLE_NAMES) {
      const header = (await backend.read(metricTableKey(name, HOUR, 'csv'))).toString('utf8').split('\n')[0];
      expect(header.split(',')).toEqual(METRIC_TABLE_COLUMNS[name].map((c) => c.name));
      expect(header.startsWith('hour_start,')).toBe(true);
      const rows = [];
      for await (const row of decodeParquet(await backend.read(metricTableKey(name, HOUR, 'parquet')))) rows.push(row);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row)).not.toContain('hour');
        expect(row['hour_start']).toBe(HOUR.startMs);
      }
    }
    expect((await readMetricTable(backend, 'summary', HOUR))[0]).toMatchObject({ hour_start: '2026-11-27T10:00:00.000Z', events: 300 });
  });

  it('is idempotent: a second run writes identical bytes', async () => {
    await rollupHour(backend, HOUR);
    const first = await backend.read(`metrics/products/${HOUR}/products.csv`);
    await rollupHour(backend, String(HOUR));
    expect(await backend.read(`metrics/products/${HOUR}/products.csv`)).toEqual(first);
  });

  it('recomputes from what is on storage: a removed partial drops out, no partial removes the tables', async () => {
    await rollupHour(backend, HOUR);
    await backend.remove(`partials/${HOUR}/t+2+00000000000000000000.json`);
    await rollupHour(backend, HOUR);
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(250);
    await backend.remove(`partials/${HOUR}/t+0+00000000000000000000.json`);
    await backend.remove(`partials/${HOUR}/t+1+00000000000000000000.json`);
    const result = await rollupHour(backend, HOUR);
    expect(result.removed).toHaveLength(12);
    expect(await backend.list('metrics')).toEqual([]);
  });

  it('MetricsRollup runs one rollup of an hour at a time', async () => {
    // Each rollup lists the hour (L), writes its tables (W at the last one) and lists again (L): serialised
    // runs log LWL LWL LWL; interleaved runs would log L L ... instead.
    const log: string[] = [];
    const watching: StorageBackend = Object.assign(Object.create(backend) as LocalFileSystemBackend, {
      list: async (prefix: string) => {
        if (prefix.startsWith('partials/')) log.push('L'); // not the compaction manifests a listing also checks
        await new Promise((resolve) => setTimeout(resolve, 5));
        return backend.list(prefix);
      },
      writeAtomic: async (key: string, bytes: Uint8Array) => {
        await backend.writeAtomic(key, bytes);
        if (key.endsWith('funnel.parquet')) log.push('W');
      },
    });
    const rollup = new MetricsRollup(watching);
    const results = await Promise.all([rollup.rollupHour(HOUR), rollup.rollupHour(HOUR), rollup.rollupHours([HOUR, String(HOUR)])]);
    expect(results.flat()).toHaveLength(3);
    expect(log.join('')).toBe('LWL'.repeat(3));
  });

  it('says when the hour changed under it (another process wrote a partial), and a rerun catches up', async () => {
    const otherProcess = computePartial(HOUR, eventStream(40, '2026-11-27T10:00:00.000Z', 1, 9));
    let wroteOther = false;
    // The other process's partial lands after this rollup listed the hour and before it wrote its tables.
    const racing: StorageBackend = Object.assign(Object.create(backend) as LocalFileSystemBackend, {
      writeAtomic: async (key: string, bytes: Uint8Array) => {
        if (!wroteOther && key.startsWith('metrics/')) {
          wroteOther = true;
          await backend.writeAtomic(`partials/${HOUR}/t+3+00000000000000000000.json`, serializePartial(otherProcess));
        }
        await backend.writeAtomic(key, bytes);
      },
    });
    const first = await rollupHour(racing, HOUR);
    expect(first).toMatchObject({ partials: 3, superseded: true });
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(300);
    const second = await rollupHour(backend, HOUR);
    expect(second).toMatchObject({ partials: 4, superseded: false });
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(340);
  });
});

describe('HourlyPartialsMerger', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  const key = (i: number) => `partials/${HOUR}/t+${i}+00000000000000000000.json`;
  const parts = [EVENTS.slice(0, 100), EVENTS.slice(100, 250), EVENTS.slice(250)];

  beforeEach(() => {
    temp = makeTempDir('merger');
    backend = new LocalFileSystemBackend(temp.dir);
  });
  afterEach(() => temp.cleanup());

  /** Tables of a rollup with the merger, beside those of a plain rollup that reads every partial. */
  async function tablesBothWays(merger: HourlyPartialsMerger) {
    const cached = await rollupHour(backend, HOUR, {}, merger);
    const viaMerger = await backend.read(`metrics/funnel/${HOUR}/funnel.csv`);
    const summaryViaMerger = await backend.read(`metrics/summary/${HOUR}/summary.csv`);
    await rollupHour(backend, HOUR);
    expect((await backend.read(`metrics/funnel/${HOUR}/funnel.csv`)).equals(viaMerger)).toBe(true);
    expect((await backend.read(`metrics/summary/${HOUR}/summary.csv`)).equals(summaryViaMerger)).toBe(true);
    return cached;
  }

  it('reads only the partials it has not merged, and writes the tables a full rollup writes', async () => {
    const merger = new HourlyPartialsMerger();
    const reads: string[] = [];
    const counting = Object.assign(Object.create(backend) as LocalFileSystemBackend, {
      read: (k: string) => (reads.push(k), backend.read(k)),
    });
    await backend.writeAtomic(key(0), serializePartial(computePartial(HOUR, parts[0])));
    await backend.writeAtomic(key(1), serializePartial(computePartial(HOUR, parts[1])));
    await rollupHour(counting, HOUR, {}, merger);
    await backend.writeAtomic(key(2), serializePartial(computePartial(HOUR, parts[2])));
    reads.length = 0;
    await rollupHour(counting, HOUR, {}, merger);
    expect(reads.filter((k) => k.startsWith('partials/'))).toEqual([key(2)]);
    await tablesBothWays(merger);
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(300);
  });

  it('starts over after a merge that failed half-way (a partial of another hour among the new ones)', async () => {
    const merger = new HourlyPartialsMerger();
    await backend.writeAtomic(key(0), serializePartial(computePartial(HOUR, parts[0])));
    await rollupHour(backend, HOUR, {}, merger);
    // A stray file of another hour in this hour's folder: the merge throws after adding the batch before it.
    await backend.writeAtomic(key(1), serializePartial(computePartial(HOUR, parts[1])));
    const stray = `partials/${HOUR}/t+9+00000000000000000000.json`;
    await backend.writeAtomic(stray, serializePartial(emptyPartial(HOUR.next())));
    await expect(rollupHour(backend, HOUR, {}, merger)).rejects.toThrow(/cannot merge/);
    await backend.remove(stray);
    await backend.writeAtomic(key(2), serializePartial(computePartial(HOUR, parts[2])));
    await tablesBothWays(merger);
    // Batch 1 counted once, not once per attempt.
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(300);
  });

  it('starts over when a merged partial was rewritten under the same name or removed (crash recovery)', async () => {
    const merger = new HourlyPartialsMerger();
    for (const [i, part] of parts.entries()) await backend.writeAtomic(key(i), serializePartial(computePartial(HOUR, part)));
    await rollupHour(backend, HOUR, {}, merger);
    // A replay rewrote batch 1 with fewer events under the same file name.
    await backend.writeAtomic(key(1), serializePartial(computePartial(HOUR, parts[1].slice(0, 50))));
    await tablesBothWays(merger);
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(200);
    await backend.remove(key(0));
    await tablesBothWays(merger);
    expect((await readMetricTable(backend, 'summary', HOUR))[0]['events']).toBe(100);
  });
});
