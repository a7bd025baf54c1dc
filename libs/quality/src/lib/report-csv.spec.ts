import { buildReport, type RuleResult } from './quality-report';
import { csvField, describeThreshold, REPORT_CSV_COLUMNS, reportToCsv, reportToJson } from './report-csv';

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

describe('reportToCsv', () => {
  it('writes a fixed header and one RFC 4180 row per rule', () => {
    const csv = reportToCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'scope,window_start,window_end,rule_id,level,kind,severity,description,columns,evaluated,failed,pass_share,threshold,metric_value,status,samples,note',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain(
      'batch,2026-11-27T10:00:00.000Z,,complete_page,dataset,completeness,warn,"completeness: ""page"", present",page event_type,100,6,0.94,mostly>=0.95,,warn,id-1 id-2,"line one\nline two"\r\n',
    );
    expect(csv).toContain(',freshness,dataset,completeness,warn,fresh,page event_type,100,6,0.94,age<=300,12.5,warn,id-1 id-2,\r\n');
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField('')).toBe('');
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
