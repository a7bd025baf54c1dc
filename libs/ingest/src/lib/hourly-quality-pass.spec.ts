import { defaultRuleSet, type ClosedHourReport } from '@pipeline/quality';
import {
  compactHour,
  encodeEventsParquet,
  hourlyQualityReportKey,
  LocalFileSystemBackend,
  readHourEventRows,
  shopEventFromRow,
  type PartitionPath,
} from '@pipeline/storage';
import { encodeEvent } from '@pipeline/events';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HourlyQualityPass } from './hourly-quality-pass';
import { OfflineIngest } from './offline-ingest';
import { readHourlyQualityReport, rollupQualityHour } from './quality-reports';
import { writeSamplePipelineData } from './testing/sample-pipeline-data';

const START = Date.parse('2026-11-27T06:00:00.000Z');
const { dataset: datasetRules } = defaultRuleSet();
const GRACE_MS = 10 * 60_000;

describe('HourlyQualityPass', () => {
  let dir: string;
  let backend: LocalFileSystemBackend;
  let hours: PartitionPath[];
  let nowMs: number;
  const pass = () => new HourlyQualityPass(backend, { datasetRules, graceMs: GRACE_MS, now: () => nowMs });
  const hourReport = async (hour: PartitionPath) => (await readHourlyQualityReport(backend, hour)) as ClosedHourReport | null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hourly-quality-'));
    backend = new LocalFileSystemBackend(dir);
    ({ hours } = await writeSamplePipelineData(dir, { startMs: START, hours: 5, seed: 7, badRatio: 0.02 }));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('judges each closed hour once its grace period is over, and the open ones not yet', async () => {
    // The last hour ended 5 minutes ago: still open for late events.
    nowMs = hours[4].endMs + 5 * 60_000;
    const result = await pass().run();
    expect(result.hours.map((h) => h.outcome)).toEqual(['written', 'written', 'written', 'written']);
    expect(await hourReport(hours[4])).not.toHaveProperty('hourCheck');

    const stored = await readHourEventRows(backend, hours[3]);
    const report = await hourReport(hours[3]);
    expect(report?.hourCheck).toMatchObject({ storedEvents: stored.length, storedDuplicates: 0, eventFiles: 1 });
    expect(report?.hourCheck.trailingHourCounts).toHaveLength(3);
    const rule = (id: string) => report?.rules.find((r) => r.id === id);
    expect(rule('unique_event_id')).toMatchObject({ status: 'pass' });
    expect(rule('hourly_volume')?.status).not.toBe('skipped');
    const newest = Math.max(...stored.map((row) => Number(row['event_time'])));
    expect(rule('freshness')?.metricValue).toBe((hours[3].endMs - newest) / 1000);
    // Record rules as ingest judged them: the injected faults were refused there.
    expect(report?.summary.rowsEvaluated).toBeGreaterThan(report?.summary.rowsValid ?? 0);
    expect(report?.rules.some((r) => r.level === 'record' && r.failed > 0)).toBe(true);
  });

  it('leaves an unchanged hour alone: a second pass, or another processor, writes nothing new', async () => {
    nowMs = hours[4].endMs + GRACE_MS;
    const before = (await backend.read(hourlyQualityReportKey(hours[1], 'json'))).toString('utf8');
    const [first, second] = await Promise.all([pass().run(), pass().run()]);
    // Only the hour that just closed is judged, by both at once: the same bytes.
    expect(first.hours.map((h) => h.hour)).toEqual([hours[4].toIsoString()]);
    expect(second.hours.map((h) => h.hour)).toEqual([hours[4].toIsoString()]);
    expect(JSON.stringify(first.hours[0].report)).toBe(JSON.stringify(second.hours[0].report));
    expect((await backend.read(hourlyQualityReportKey(hours[1], 'json'))).toString('utf8')).toBe(before);
    const again = pass();
    await again.run();
    expect((await again.run()).hours).toEqual([]);
  });

  it('judges a closed hour again when late events change it', async () => {
    const late = pass();
    await late.run();
    const before = (await hourReport(hours[1]))?.hourCheck;
    // Ten late events of that hour, from a second source (a backfill): a new batch file in the closed hour.
    const ingest = new OfflineIngest({ backend, source: 'late', chunkSize: 100, now: () => nowMs });
    for (const row of (await readHourEventRows(backend, hours[1])).slice(0, 10)) {
      await ingest.add(encodeEvent({ ...shopEventFromRow(row), event_id: randomUUID() }).value);
    }
    await ingest.flush();
    const result = await late.run();
    expect(result.hours.map((h) => [h.hour, h.outcome])).toEqual([[hours[1].toIsoString(), 'written']]);
    expect((await hourReport(hours[1]))?.hourCheck).toMatchObject({ eventFiles: 2, storedEvents: (before?.storedEvents ?? 0) + 10, storedDuplicates: 0 });
  });

  it('counts an id stored twice across the hour\'s files', async () => {
    const copy = shopEventFromRow((await readHourEventRows(backend, hours[2]))[0]);
    // A file the durable id index never saw (written around the processor): the hour now stores one event twice.
    await backend.writeAtomic(`events/${hours[2]}/ecommerce.events+7+00000000000000000000.parquet`, await encodeEventsParquet([copy]));
    const result = await pass().run();
    expect(result.hours.map((h) => [h.hour, h.outcome])).toEqual([[hours[2].toIsoString(), 'written']]);
    const report = await hourReport(hours[2]);
    expect(report?.hourCheck).toMatchObject({ storedDuplicates: 1, eventFiles: 2 });
    expect(report?.rules.find((r) => r.id === 'unique_event_id')).toMatchObject({ status: 'fail', samples: expect.arrayContaining([copy.event_id]) });
  });

  it('counts a compacted hour once (the visibility rule), and rewrites a report a batch roll-up replaced', async () => {
    // The hour with the late batch: its two files are hidden by the manifest, the compacted output counts once.
    const before = (await hourReport(hours[1]))?.hourCheck;
    expect((await compactHour(backend, hours[1], { now: () => nowMs })).outcome).toBe('compacted');
    const afterCompaction = await pass().run();
    expect(afterCompaction.hours.map((h) => h.hour)).toEqual([hours[1].toIsoString()]);
    expect((await hourReport(hours[1]))?.hourCheck).toMatchObject({ eventFiles: 1, storedEvents: before?.storedEvents, storedDuplicates: 0 });

    await rollupQualityHour(backend, hours[0], { datasetRules });
    expect(await hourReport(hours[0])).not.toHaveProperty('hourCheck');
    expect((await pass().run()).hours.map((h) => h.hour)).toEqual([hours[0].toIsoString()]);
    expect(await hourReport(hours[0])).toHaveProperty('hourCheck');
  });
});
