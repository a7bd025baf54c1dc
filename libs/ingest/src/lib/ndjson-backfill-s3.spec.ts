import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ClickstreamSimulation, HEADER_INJECTED_FAULT } from '@pipeline/simulation';
import { compactClosedHours, createStorageBackend, readMetricRange, S3StorageBackend } from '@pipeline/storage';
import { downloadS3Prefix, testS3Server, uniqueTestS3Url } from '@pipeline/storage/testing';
import { backfillNdjson } from './ndjson-backfill';

/**
 * The whole storage path on the real local S3 server: a backfill into `s3://…` through the storage factory, then
 * an independent S3 client downloads what it finds and an independent reader (DuckDB) checks it.
 */
describe('backfillNdjson into s3:// (local S3 server)', () => {
  const server = testS3Server();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'backfill-s3-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every clean event once in its hour folder, compacts 40 pieces to one file per hour, as any S3 client and DuckDB see it', async () => {
    // ~0.3 events/s of simulated time: the 3,000 events span a few hours, so the lake has several hour folders.
    const simulation = new ClickstreamSimulation({
      seed: 11,
      startTime: Date.now() - 6 * 3_600_000,
      concurrentSessions: 20,
      meanThinkTimeMs: 60_000,
      badRatio: 0.05,
      faultKinds: ['invalid_json', 'missing_field'],
    });
    const messages = simulation.take(3_000);
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, Buffer.concat(messages.flatMap((m) => [m.value, Buffer.from('\n')])));
    const clean = messages.filter((m) => m.headers[HEADER_INJECTED_FAULT] === undefined).map((m) => String(JSON.parse(m.value.toString()).event_id));

    const url = uniqueTestS3Url('backfill');
    const backend = createStorageBackend({ STORAGE_URL: url, S3_ENDPOINT: server.endpoint });
    expect(backend).toBeInstanceOf(S3StorageBackend);
    try {
      // 40 pieces: small files in every hour, as a trickle would leave them.
      const totals = await backfillNdjson({ input, backend, chunkSize: 75 });
      expect(totals).toMatchObject({ messages: 3_000, stored: clean.length, deadLettered: 3_000 - clean.length });
      const before = await readMetricRange(backend, 'summary', 0, Number.MAX_SAFE_INTEGER);
      expect(before.reduce((n, row) => n + Number(row['events']), 0)).toBe(clean.length);
      // Compaction on S3: the commit point is a manifest created with If-None-Match.
      const compacted = await compactClosedHours(backend, { graceMs: 0 });
      expect(compacted.hours.length).toBeGreaterThan(1);
    } finally {
      (backend as S3StorageBackend).destroy();
    }

    const local = join(dir, 'downloaded');
    const keys = await downloadS3Prefix(url, 'events/', local);
    // An independent client sees at most 3 event files per hour (compaction deleted the small ones).
    const perHour = new Map<string, number>();
    for (const key of keys) perHour.set(key.slice(0, key.lastIndexOf('/')), (perHour.get(key.slice(0, key.lastIndexOf('/'))) ?? 0) + 1);
    expect(perHour.size).toBeGreaterThan(1);
    expect([...perHour.values()].every((n) => n <= 3)).toBe(true);
    // Hours that had several files now hold compacted ones; an hour with one small file had nothing to merge.
    const named = /\/events\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/(compacted\+[^/]+|[^/]+\+\d+\+\d{20})\.parquet$/;
    expect(keys.filter((key) => !named.test(key))).toEqual([]);
    expect(keys.filter((key) => key.includes('/compacted+')).length).toBeGreaterThan(1);

    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const rows = (
        await db.runAndReadAll(
          `SELECT event_id,
                  strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%d %H') AS event_hour,
                  printf('%04d-%02d-%02d %02d', year::INTEGER, month::INTEGER, day::INTEGER, hour::INTEGER) AS folder_hour
             FROM read_parquet('${local}/events/**/*.parquet', hive_partitioning = true)`,
        )
      ).getRowObjectsJson() as { event_id: string; event_hour: string; folder_hour: string }[];
      expect(rows.map((r) => r.event_id).sort()).toEqual([...clean].sort());
      expect(rows.filter((r) => r.event_hour !== r.folder_hour)).toEqual([]);
      expect(new Set(rows.map((r) => r.folder_hour)).size).toBeGreaterThan(1);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  }, 180_000);
});
