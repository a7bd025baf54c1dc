import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { readMetricRange } from '@pipeline/storage';
import { waitFor } from './support/app-process';
import { PipelineFixture, type LakeStorage } from './support/pipeline-fixture';

/**
 * The same drill on both backends. On S3 the two processors stand for two machines (each its own working folder and
 * TMPDIR, the lake only in the bucket); it is smaller there to keep the suite's time in bounds.
 */
const VARIANTS: { storage: LakeStorage; total: number; rate: number; kills: number }[] = [
  { storage: 'file', total: 50_000, rate: 4_000, kills: 3 },
  { storage: 's3', total: 6_000, rate: 400, kills: 3 },
];

/** The figures compared between the processor's hourly summary table and DuckDB's recomputation. */
function hourlyFigures(row: Record<string, unknown>) {
  return {
    hour_start: String(row['hour_start']),
    events: Number(row['events']),
    sessions: Number(row['sessions']),
    users: Number(row['users']),
    orders: Number(row['orders']),
    revenue_cents: Number(row['revenue_cents']),
  };
}

/** Aggregates recomputed from the raw Parquet by an independent engine, per hour. */
async function duckdbLake(dataDir: string) {
  const instance = await DuckDBInstance.create();
  const connection = await instance.connect();
  const glob = join(dataDir, 'events', '**', '*.parquet');
  const ids = (await connection.runAndReadAll(`SELECT event_id FROM read_parquet('${glob}')`)).getRowObjects().map((row) => String(row['event_id']));
  const reader = await connection.runAndReadAll(`
    SELECT strftime(date_trunc('hour', event_time), '%Y-%m-%dT%H:00:00.000Z') AS hour_start,
           count(*)::BIGINT AS events,
           count(DISTINCT session_id)::BIGINT AS sessions,
           count(DISTINCT user_id)::BIGINT AS users,
           (count(*) FILTER (WHERE event_type = 'purchase'))::BIGINT AS orders,
           coalesce(sum(revenue_cents) FILTER (WHERE event_type = 'purchase'), 0)::BIGINT AS revenue_cents
    FROM read_parquet('${glob}', hive_partitioning = true)
    GROUP BY 1 ORDER BY 1`);
  const hourly = reader.getRowObjects().map(hourlyFigures);
  connection.closeSync();
  instance.closeSync();
  return { ids, hourly };
}

describe.each(VARIANTS)('crash recovery and scale-out on $storage storage (real Kafka, kill -9)', ({ storage, total: TOTAL, rate, kills }) => {
  const pipeline = new PipelineFixture(storage);
  afterAll(() => pipeline.dispose());

  it('stores exactly the published events when processors are killed mid-work and partitions move', async () => {
    // Small chunks mean many commits, so a kill often lands between a write and its commit. No compaction: the
    // independent reader below globs the event folders, which is only right while no compaction runs.
    const processorEnv = { BATCH_MAX_EVENTS: '1000', BATCH_MAX_MS: '100', KAFKA_SESSION_TIMEOUT_MS: '6000', METRICS_ROLLUP_MS: '500', COMPACTION_INTERVAL_MS: '0' };
    // A second instance in the same group all along: it takes over the victim's partitions and gives them back,
    // handling its partitions' chunks three at a time (PARTITIONS_CONSUMED_CONCURRENTLY) through every rebalance.
    await pipeline.startApp('processor', { ...processorEnv, PARTITIONS_CONSUMED_CONCURRENTLY: '3' });
    let victim = await pipeline.startApp('processor', processorEnv);

    // Events keep arriving while the victim is killed, so it dies in the middle of real work.
    const generation = pipeline.generate({ GENERATOR_COUNT: String(TOTAL), GENERATOR_RATE: String(rate), GENERATOR_SEED: '23' });
    const random = mulberry32(Number(process.env['CRASH_SEED'] ?? Date.now() % 1_000_000));
    for (let kill = 0; kill < kills; kill++) {
      await sleep(1_000 + random() * 2_000);
      // Where the kill lands: in a rebalance (a restarted member waits for one) or while the victim stores.
      const stored = await storedByProcessor(victim.port).catch(() => 0);
      await victim.app.kill9();
      console.log(`kill ${kill + 1}: the victim had stored ${stored} events`);
      victim = await pipeline.startApp('processor', processorEnv);
    }
    await generation;
    const published = (await pipeline.readTopic(pipeline.topic, TOTAL)).map((m) => JSON.parse(m.value!.toString()).event_id as string);
    expect(new Set(published).size).toBe(TOTAL);

    let lastCount = { stored: 0, unique: 0 };
    const stored = await waitFor(
      'every event stored after the crashes',
      async () => {
        const ids = await pipeline.storedEventIds();
        lastCount = { stored: ids.length, unique: new Set(ids).size };
        return lastCount.unique >= TOTAL ? ids : null;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last seen: ${JSON.stringify(lastCount)})\n${pipeline.logs('processor').slice(-6000)}`);
    });
    expect(stored).toHaveLength(TOTAL); // none twice
    expect(new Set(stored)).toEqual(new Set(published)); // none lost

    // Settled: no batch is left half-done in the lake.
    await waitFor('no pending markers left', async () => (await pipeline.backend.list('_pending')).length === 0, { timeoutMs: 30_000 });
    // An independent reader (DuckDB, over a copy fetched with a plain S3 client on S3) sees the same: each event once.
    const lake = await duckdbLake(await pipeline.eventsOnDisk());
    expect(lake.ids).toHaveLength(TOTAL);
    expect(new Set(lake.ids)).toEqual(new Set(published));

    // Aggregates come from durable partials, so they match a recomputation from the raw files.
    const expected = lake.hourly;
    const tables = await waitFor('hourly summaries matching the raw data', async () => {
      const rows = await readMetricRange(pipeline.backend, 'summary', 0, Number.MAX_SAFE_INTEGER);
      const events = rows.reduce((n, r) => n + Number(r['events']), 0);
      return events === TOTAL ? rows : null;
    });
    const actual = tables.map(hourlyFigures);
    expect(actual).toEqual(expected);

    if (storage === 's3') {
      // Everything the protocol needs is in the lake (the cluster's incarnation, the id index), none of it on a machine.
      expect(await pipeline.backend.list('_incarnations')).toHaveLength(1);
      expect((await pipeline.backend.list('ids')).length).toBeGreaterThan(0);
      expect(pipeline.localFiles()).toEqual([]);
    }
    const recoveries = pipeline.logs('processor').match(/Recovered \S+ at offset \d+: \w+/g) ?? [];
    console.log(`pending batches settled after the kills: ${recoveries.length}\n${recoveries.join('\n')}`);
  }, 240_000);
});

/** The processor's own count of stored events (its /metrics), 0 while it cannot answer. */
async function storedByProcessor(port: number): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...metrics.matchAll(/^processor_events_stored_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A tiny seeded PRNG: the kill moments are random but a failing run can be replayed with CRASH_SEED. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  console.log(`crash moments seeded with CRASH_SEED=${seed}`);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
