import { samplePageView, samplePurchase } from '@pipeline/events';
import { defaultRuleSet, MessageQualityGate } from '@pipeline/quality';
import { encodeEvent } from '@pipeline/events';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { PartitionPath } from './partition-path';
import { hourlyQualityReportKey, readHourlyQualityReport, rollupQualityHour, rollupQualityHourChecked, writeQualityBatchReport } from './quality-reports';
import { makeTempDir } from './testing/temp-dir';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');
const hour = PartitionPath.fromEventTime(NOW);

function batchReport(values: Buffer[]) {
  const gate = new MessageQualityGate(defaultRuleSet(), { now: () => NOW });
  return gate.check(values.map((value, i) => ({ value, ref: `t/0@${i}` }))).report;
}

describe('quality reports on storage', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('quality')));
  afterEach(() => temp.cleanup());

  it('rolls an hour up from its batch reports and rewrites a replayed batch in place', async () => {
      const backend = new LocalFileSystemBackend(temp.dir);
      const clean = encodeEvent(samplePageView()).value;
      await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', batchReport([clean, Buffer.from('{oops')]));
      await writeQualityBatchReport(backend, hour, 't+1+00000000000000000000', batchReport([encodeEvent(samplePurchase()).value]));
      // A replay of partition 0 from the same first offset: same key, so it replaces the earlier report.
      await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', batchReport([clean, Buffer.from('{oops'), clean]));

      const merged = await rollupQualityHour(backend, hour);
      expect(merged?.scope).toBe('hour');
      expect(merged?.summary.rowsEvaluated).toBe(4);
      // The replay kept one page view (its copy is a duplicate), the other batch its purchase; the first attempt is gone.
      expect(merged?.summary.rowsValid).toBe(2);
      expect(await backend.exists(hourlyQualityReportKey(hour, 'csv'))).toBe(true);
      expect((await readHourlyQualityReport(backend, hour))?.summary.rowsEvaluated).toBe(4);
  });

  it('says when a batch report landed while it ran (another instance), and a rerun includes it', async () => {
    const backend = new LocalFileSystemBackend(temp.dir);
    await writeQualityBatchReport(backend, hour, 't+0+00000000000000000000', batchReport([encodeEvent(samplePurchase()).value]));
    let wroteOther = false;
    const racing = Object.assign(Object.create(backend) as LocalFileSystemBackend, {
      writeAtomic: async (key: string, bytes: Uint8Array) => {
        if (!wroteOther) {
          wroteOther = true;
          await writeQualityBatchReport(backend, hour, 't+1+00000000000000000000', batchReport([Buffer.from('{oops')]));
        }
        await backend.writeAtomic(key, bytes);
      },
    });
    const first = await rollupQualityHourChecked(racing, hour);
    expect(first.superseded).toBe(true);
    expect(first.report?.summary.rowsEvaluated).toBe(1);
    const second = await rollupQualityHourChecked(backend, hour);
    expect(second.superseded).toBe(false);
    expect(second.report?.summary.rowsEvaluated).toBe(2);
  });

  it('has nothing to roll up for an hour without batches', async () => {
    expect(await rollupQualityHour(new LocalFileSystemBackend(temp.dir), hour)).toBeNull();
  });
});
