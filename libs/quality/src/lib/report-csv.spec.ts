import { buildReport, type RuleResult } from './quality-report';
import { describeThreshold, REPORT_CSV_COLUMNS, reportCsvRows, reportToJson } from './report-csv';

const rule: RuleResult = {
  id: 'complete_page',
  description: 'completeness: "page", present',
  severity: 'warn',
  level: 'dataset',
  kind: 'completeness',
  columns: ['page', 'event_type'],
  threshold: { mostly: 0.95 },
  evaluated: 100,
  failed: 6,
  passShare: 0.94,
  status: 'warn',
  metricValue: null,
  samples: ['id-1', 'id-2'],
  note: 'line one\nline two',
};

const report = buildReport({
  scope: 'batch',
  window: { start: '2026-11-27T10:00:00.000Z', end: null },
  generatedAtMs: 0,
  rowsEvaluated: 100,
  rowsValid: 100,
  rules: [rule, { ...rule, id: 'freshness', description: 'fresh', threshold: { metric: 'age', min: null, max: 300 }, metricValue: 12.5, note: null }],
});

describe('reportCsvRows', () => {
  it('gives one row per rule in the fixed column order', () => {
    expect(REPORT_CSV_COLUMNS.join(',')).toBe(
      'scope,window_start,window_end,rule_id,level,kind,severity,description,columns,evaluated,failed,pass_share,threshold,metric_value,status,samples,note',
    );
    const rows = reportCsvRows(report);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual([
      'batch', '2026-11-27T10:00:00.000Z', '', 'complete_page', 'dataset', 'completeness', 'warn', 'completeness: "page", present',
      'page event_type', '100', '6', '0.94', 'mostly>=0.95', '', 'warn', 'id-1 id-2', 'line one\nline two',
    ]);
    expect(rows[1].slice(3, 4).concat(rows[1].slice(12))).toEqual(['freshness', 'age<=300', '12.5', 'warn', 'id-1 id-2', '']);
  });

  it('describes thresholds', () => {
    expect(describeThreshold({ mostly: 1 })).toBe('mostly>=1');
    expect(describeThreshold({ metric: 'ratio', min: 0.2, max: 5 })).toBe('0.2<=ratio<=5');
    expect(describeThreshold({ metric: 'share', min: 0.2, max: null })).toBe('0.2<=share');
  });
});

describe('reportToJson', () => {
  it('round-trips to the same report', () => {
    expect(JSON.parse(reportToJson(report))).toEqual(report);
  });
});
