import { encodeEvent, samplePageView, samplePurchase } from '@pipeline/events';
import { defaultRuleSet, MessageQualityGate } from '@pipeline/quality';
import { hourlyQualityReportKey, LocalFileSystemBackend, METRIC_TABLE_COLUMNS, metricTableKey, parseCsvObjects, PartitionPath } from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readHourlyQualityReport, rollupQualityHour, writeQualityBatchReport } from './quality-reports';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');
const hour = PartitionPath.fromEventTime(NOW);

async function batchReport(values: Buffer[]) {
  const gate = new MessageQualityGate(defaultRuleSet(), { now: () => NOW });
  return (await gate.check(values.map((value, i) => ({ value, ref: `t/0@${i}` })))).report;
}

describe('quality reports on storage', () => {
  let dir: string;
  let backend: LocalFileSystemBackend;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'quality-'));
    backend = new LocalFileSystemBackend(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls an hour up from its batch reports and rewrites a replayed batch in place', async () => {
    const clean = encodeEvent(samplePageView()).value;
    await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', await batchReport([clean, Buffer.from('{oops')]));
    await writeQualityBatchReport(backend, hour, 't+1+00000000000000000000', await batchReport([encodeEvent(samplePurchase()).value]));
    // A replay of partition 0 from the same first offset: same key, so it replaces the earlier report.
    await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', await batchReport([clean, Buffer.from('{oops'), clean]));

    const { report: merged } = await rollupQualityHour(backend, hour);
    expect(merged?.scope).toBe('hour');
    expect(merged?.summary.rowsEvaluated).toBe(4);
    // The replay kept one page view (its copy is a duplicate), the other batch its purchase; the first attempt is gone.
    expect(merged?.summary.rowsValid).toBe(2);
    const csv = parseCsvObjects((await backend.read(hourlyQualityReportKey(hour, 'csv'))).toString('utf8'));
    expect(csv.map((row) => row['rule_id'])).toEqual(merged?.rules.map((rule) => rule.id));
    expect((await readHourlyQualityReport(backend, hour))?.summary.rowsEvaluated).toBe(4);
  });

  it('judges the hour volume from the stored summary tables of the hour and the trailing hours', async () => {
    const columns = METRIC_TABLE_COLUMNS.summary.map((c) => c.name);
    // `legacy`: the table as written before its first column was renamed from `hour` to `hour_start`.
    const summary = (h: PartitionPath, events: number, legacy = false) => {
      const header = columns.map((name) => (legacy && name === 'hour_start' ? 'hour' : name));
      const row = columns.map((name) => (name === 'hour_start' ? h.toIsoString() : name === 'events' ? events : 0));
      return backend.writeAtomic(metricTableKey('summary', h, 'csv'), Buffer.from(`${header.join(',')}\n${row.join(',')}\n`));
    };
    // The trailing hours of an older lake next to the hour written now: both count.
    for (let back = 3; back >= 1; back--) await summary(PartitionPath.fromEventTime(hour.startMs - back * 3_600_000), 100, back > 1);
    await summary(hour, 10);
    await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', await batchReport([encodeEvent(samplePageView()).value]));

    const asBatches = (await rollupQualityHour(backend, hour)).report;
    expect(asBatches?.rules.find((r) => r.id === 'hourly_volume')?.status).toBe('skipped');
    const judged = (await rollupQualityHour(backend, hour, { datasetRules: defaultRuleSet().dataset })).report;
    expect(judged?.rules.find((r) => r.id === 'hourly_volume')).toMatchObject({ status: 'warn', metricValue: 0.1, evaluated: 10 });
  });

  it('says when a batch report landed while it ran (another instance), and a rerun includes it', async () => {
    await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', await batchReport([encodeEvent(samplePurchase()).value]));
    let wroteOther = false;
    const racing = Object.assign(Object.create(backend) as LocalFileSystemBackend, {
      writeAtomic: async (key: string, bytes: Uint8Array) => {
        if (!wroteOther) {
          wroteOther = true;
          await writeQualityBatchReport(backend, hour, 't+1+00000000000000000000', await batchReport([Buffer.from('{oops')]));
        }
        await backend.writeAtomic(key, bytes);
      },
    });
    const first = await rollupQualityHour(racing, hour);
    expect(first.superseded).toBe(true);
    expect(first.report?.summary.rowsEvaluated).toBe(1);
    const second = await rollupQualityHour(backend, hour);
    expect(second.superseded).toBe(false);
    expect(second.report?.summary.rowsEvaluated).toBe(2);
  });

  it('has nothing to roll up for an hour without batches', async () => {
    expect((await rollupQualityHour(backend, hour)).report).toBeNull();
  });
});
