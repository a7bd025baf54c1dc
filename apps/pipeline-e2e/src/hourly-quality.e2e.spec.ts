import { readHourlyQualityReport } from '@pipeline/ingest';
import type { ClosedHourReport } from '@pipeline/quality';
import { listHourPartitions } from '@pipeline/storage';
import { waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

const HOUR_MS = 3_600_000;

describe('the hourly quality pass in the processor (real Kafka)', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  /** The closed-hour reports of the lake, once every hour with events has one covering `events` stored events. */
  const closedHourReports = (events: number) =>
    waitFor(
      `closed-hour reports covering ${events} stored events`,
      async () => {
        const reports: ClosedHourReport[] = [];
        for (const hour of await listHourPartitions(pipeline.backend, 'events')) {
          const report = (await readHourlyQualityReport(pipeline.backend, hour)) as ClosedHourReport | null;
          if (!report?.hourCheck) return null;
          reports.push(report);
        }
        return reports.reduce((n, r) => n + r.hourCheck.storedEvents, 0) === events ? reports : null;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

  it('writes each closed hour its report from the stored hour, and again when late events change it', async () => {
    // Hours that closed long ago (a simulated clock 3 hours back), no grace: the pass may judge them at once.
    const start = new Date(Math.floor((Date.now() - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS).toISOString();
    await pipeline.startApp('processor', { METRICS_ROLLUP_MS: '500', HOURLY_QUALITY_INTERVAL_MS: '1000', HOURLY_QUALITY_GRACE_MS: '0' });
    await pipeline.generate({ GENERATOR_COUNT: '4000', GENERATOR_SEED: '31', GENERATOR_START_TIME: start });

    const reports = await closedHourReports(4000);
    for (const report of reports) {
      expect(report.hourCheck.storedDuplicates).toBe(0);
      expect(report.rules.find((r) => r.id === 'unique_event_id')?.status).toBe('pass');
      expect(report.rules.find((r) => r.id === 'freshness')?.status).not.toBe('skipped');
      expect(report.summary.rowsEvaluated).toBe(report.hourCheck.storedEvents);
    }

    // Late events for the same hours (another seed, same simulated start): the changed hours are judged again.
    await pipeline.generate({ GENERATOR_COUNT: '1000', GENERATOR_SEED: '32', GENERATOR_START_TIME: start });
    const after = await closedHourReports(5000);
    expect(after.reduce((n, r) => n + r.summary.rowsEvaluated, 0)).toBe(5000);
    expect(pipeline.logs('processor')).toContain('Closed-hour quality report written for');
  });
});
