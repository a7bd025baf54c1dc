import { datasetFromColumns } from './dataset';
import { defaultRuleSet } from './default-rules';
import { closedHourReport, isClosedHourReportOf } from './hour-check';
import { buildReport, type RuleResult } from './quality-report';

const HOUR = Date.parse('2026-11-27T10:00:00.000Z');
const { dataset: rules } = defaultRuleSet();

/** n stored rows of the hour: page views a minute apart from 10:00, the last at `lastMinute`. */
function storedHour(n: number, options: { lastMinute?: number; duplicateOf?: number[] } = {}) {
  const ids = Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  for (const [copy, original] of (options.duplicateOf ?? []).entries()) ids[n - 1 - copy] = ids[original];
  const last = options.lastMinute ?? 59;
  return datasetFromColumns({
    event_id: ids,
    event_time: ids.map((_, i) => HOUR + Math.round((i * last * 60_000) / Math.max(1, n - 1))),
    event_type: ids.map(() => 'page_view'),
    page: ids.map(() => '/'),
    product_id: ids.map(() => null),
  });
}

const ingestDuplicates: RuleResult = {
  id: 'unique_event_id',
  description: 'duplicate detection',
  severity: 'error',
  level: 'dataset',
  kind: 'uniqueness',
  columns: ['event_id', 'event_time'],
  threshold: { mostly: 1 },
  evaluated: 210,
  failed: 10,
  passShare: 200 / 210,
  status: 'fail',
  metricValue: null,
  samples: ['dup-1'],
  note: null,
};
const notNull: RuleResult = { ...ingestDuplicates, id: 'not_null', level: 'record', kind: 'required', failed: 0, passShare: 1, status: 'pass', samples: [] };
const ingest = buildReport({ scope: 'hour', window: { start: null, end: null }, generatedAtMs: HOUR + 3_601_000, rowsEvaluated: 210, rowsValid: 200, rules: [notNull, ingestDuplicates] });

const input = { hourStartMs: HOUR, contentVersion: 'v1', eventFiles: 3, trailingHourCounts: [200, 180, 220] };
const rule = (report: { rules: RuleResult[] }, id: string) => report.rules.find((r) => r.id === id);

describe('closedHourReport', () => {
  it('judges the dataset rules on the stored hour: every id once, fresh up to the close, volume against the trailing hours', () => {
    const report = closedHourReport(rules, { ...input, stored: storedHour(200), ingest: null });
    expect(report.window).toEqual({ start: '2026-11-27T10:00:00.000Z', end: '2026-11-27T11:00:00.000Z' });
    expect(rule(report, 'unique_event_id')).toMatchObject({ status: 'pass', evaluated: 200, failed: 0 });
    // The newest event at 10:59: 60 s before the hour's end.
    expect(rule(report, 'freshness')).toMatchObject({ status: 'pass', metricValue: 60 });
    expect(rule(report, 'hourly_volume')).toMatchObject({ status: 'pass', metricValue: 1 });
    expect(rule(report, 'page_view_share')).toMatchObject({ status: 'pass', metricValue: 1 });
    expect(report.hourCheck).toEqual({ contentVersion: 'v1', eventFiles: 3, storedEvents: 200, storedDuplicates: 0, trailingHourCounts: [200, 180, 220] });
    expect(report.generatedAt).toBe('2026-11-27T11:00:00.000Z');
  });

  it('fails uniqueness for ids stored twice across the hour, and for duplicates refused at ingest', () => {
    const stored = closedHourReport(rules, { ...input, stored: storedHour(200, { duplicateOf: [3, 4] }), ingest: null });
    expect(rule(stored, 'unique_event_id')).toMatchObject({ status: 'fail', failed: 2 });
    expect(stored.hourCheck.storedDuplicates).toBe(2);
    expect(stored.summary.rowsValid).toBe(198);

    const refused = closedHourReport(rules, { ...input, stored: storedHour(200), ingest });
    expect(rule(refused, 'unique_event_id')).toMatchObject({ status: 'fail', evaluated: 210, failed: 10, note: '10 refused at ingest, 0 in storage' });
    expect(refused.summary).toMatchObject({ rowsEvaluated: 210, rowsValid: 200 });
    // Record rules stay as ingest judged them; generatedAt is the newest batch report's.
    expect(rule(refused, 'not_null')).toMatchObject({ status: 'pass' });
    expect(refused.generatedAt).toBe(new Date(HOUR + 3_601_000).toISOString());
  });

  it('warns when the data stopped long before the close or the volume collapsed', () => {
    const report = closedHourReport(rules, { ...input, stored: storedHour(20, { lastMinute: 40 }), ingest: null });
    expect(rule(report, 'freshness')).toMatchObject({ status: 'warn', metricValue: 20 * 60 });
    expect(rule(report, 'hourly_volume')).toMatchObject({ status: 'warn', metricValue: 0.1 });
  });

  it('is a pure function of its input (two passes write the same bytes) and names its content version', () => {
    const a = closedHourReport(rules, { ...input, stored: storedHour(50), ingest });
    const b = closedHourReport(rules, { ...input, stored: storedHour(50), ingest });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(isClosedHourReportOf(a, 'v1')).toBe(true);
    expect(isClosedHourReportOf(a, 'v2')).toBe(false);
    expect(isClosedHourReportOf(ingest, 'v1')).toBe(false);
    expect(isClosedHourReportOf(null, 'v1')).toBe(false);
  });
});
