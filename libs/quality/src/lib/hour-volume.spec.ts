import { defaultRuleSet } from './default-rules';
import { buildReport } from './quality-report';
import { withHourVolume } from './hour-volume';

const NOW = Date.parse('2026-11-27T11:01:00.000Z');
const { dataset } = defaultRuleSet();
const skippedVolume = {
  id: 'hourly_volume',
  description: 'volume',
  severity: 'warn' as const,
  level: 'dataset' as const,
  kind: 'volume' as const,
  columns: [],
  threshold: { metric: 'rows_to_trailing_mean', min: 0.2, max: 5 },
  evaluated: 0,
  failed: 0,
  passShare: 1,
  status: 'skipped' as const,
  metricValue: null,
  samples: [],
  note: 'needs 3 trailing hours, has 0',
};
const merged = buildReport({ scope: 'hour', window: { start: null, end: null }, generatedAtMs: NOW, rowsEvaluated: 100, rowsValid: 90, rules: [skippedVolume] });

describe('withHourVolume', () => {
  it('judges the volume rule on the whole hour against the trailing hours', () => {
    const report = withHourVolume(merged, dataset, { rows: 90, trailingHourCounts: [80, 100, 90], nowMs: NOW });
    expect(report.rules).toEqual([expect.objectContaining({ id: 'hourly_volume', status: 'pass', metricValue: 1, evaluated: 90 })]);
    expect(report.summary).toMatchObject({ rowsEvaluated: 100, rowsValid: 90, checksTotal: 1, checksPassed: 1 });
  });

  it('warns on a drop below mean/factor, and still skips without enough trailing hours', () => {
    expect(withHourVolume(merged, dataset, { rows: 10, trailingHourCounts: [100, 100, 100], nowMs: NOW }).rules[0]).toMatchObject({ status: 'warn', metricValue: 0.1 });
    expect(withHourVolume(merged, dataset, { rows: 10, trailingHourCounts: [100], nowMs: NOW }).rules[0]).toMatchObject({ status: 'skipped' });
  });
});
