import {
  boundStatus,
  buildReport,
  formatQualityScore,
  formatReportLines,
  mergeReports,
  shareStatus,
  summarize,
  type QualityReport,
  type RuleResult,
} from './quality-report';

const share = (id: string, evaluated: number, failed: number, overrides: Partial<RuleResult> = {}): RuleResult => {
  const passShare = evaluated === 0 ? 1 : (evaluated - failed) / evaluated;
  const mostly = overrides.threshold && 'mostly' in overrides.threshold ? overrides.threshold.mostly : 1;
  const severity = overrides.severity ?? 'error';
  return {
    id,
    description: `${id} check`,
    severity,
    level: 'record',
    kind: 'required',
    columns: ['c'],
    threshold: { mostly },
    evaluated,
    failed,
    passShare,
    status: shareStatus(passShare, mostly, severity),
    metricValue: null,
    samples: [],
    note: null,
    ...overrides,
  };
};

const metric = (id: string, evaluated: number, value: number, status: RuleResult['status']): RuleResult => ({
  ...share(id, evaluated, status === 'pass' || status === 'skipped' ? 0 : evaluated),
  level: 'dataset',
  kind: 'freshness',
  severity: 'warn',
  threshold: { metric: 'age', min: null, max: 300 },
  status,
  metricValue: status === 'skipped' ? null : value,
});

const report = (rules: RuleResult[], rowsEvaluated: number, rowsValid: number, window = { start: null, end: null } as QualityReport['window'], at = 0) =>
  buildReport({ scope: 'batch', window, generatedAtMs: at, rowsEvaluated, rowsValid, rules });

describe('statuses', () => {
  it.each([
    [0.99, 0.99, 'error', 'pass'],
    [0.98999, 0.99, 'error', 'fail'],
    [0.98999, 0.99, 'warn', 'warn'],
    [1, 1, 'error', 'pass'],
    [21 / 30, 0.7, 'error', 'pass'],
  ] as const)('pass share %d against mostly %d (%s) -> %s', (passShare, mostly, severity, status) => {
    expect(shareStatus(passShare, mostly, severity)).toBe(status);
  });

  it.each([
    [300, 'pass'],
    [300.001, 'fail'],
    [-5, 'pass'],
  ] as const)('metric %d against max 300 -> %s', (value, status) => {
    expect(boundStatus(value, { metric: 'age', min: null, max: 300 }, 'error')).toBe(status);
  });

  it('respects both bounds inclusively', () => {
    const bound = { metric: 'ratio', min: 0.2, max: 5 };
    expect([0.19, 0.2, 5, 5.01].map((v) => boundStatus(v, bound, 'warn'))).toEqual(['warn', 'pass', 'pass', 'warn']);
  });
});

describe('scores', () => {
  it('quality score = passed checks / checks that ran; row-weighted score weights pass shares by rows', () => {
    const rules = [
      share('a', 100, 0),
      share('b', 100, 10),
      share('c', 50, 0),
      metric('fresh', 100, 900, 'warn'),
      metric('volume', 0, 0, 'skipped'),
    ];
    const summary = summarize(rules, 100, 90);
    expect(summary).toEqual({
      rowsEvaluated: 100,
      rowsValid: 90,
      validShare: 0.9,
      checksPassed: 2,
      checksTotal: 4,
      qualityScore: 0.5,
      qualityScoreLabel: '2/4',
      rowWeightedScore: (100 + 90 + 50 + 0) / 350,
    });
  });

  it('an empty report scores 1 (nothing failed) and prints like the original', () => {
    const empty = report([], 0, 0);
    expect(empty.summary).toMatchObject({ qualityScore: 1, rowWeightedScore: 1, validShare: 1, qualityScoreLabel: '0/0' });
    const perfect = report(Array.from({ length: 7 }, (_, i) => share(`r${i}`, 10, 0)), 10, 10);
    expect(formatQualityScore(perfect)).toBe('quality score: 100% (7/7 checks passed)');
  });

  it('lists the checks that found something', () => {
    const r = report([share('a', 10, 0), share('not_null', 10, 3, { description: 'null detection' }), share('w', 10, 1, { severity: 'warn' })], 10, 7);
    expect(formatReportLines(r)).toEqual([
      'quality score: 33% (1/3 checks passed)',
      'null detection: 3 failures (fail)',
      'w check: 1 failure (warn)',
    ]);
  });

  it('rejects a report with two results for one rule id', () => {
    expect(() => report([share('a', 1, 0), share('a', 1, 0)], 1, 1)).toThrow(/duplicate rule id "a"/);
  });
});

describe('mergeReports', () => {
  const hourly = (parts: QualityReport[]) => mergeReports(parts);

  it('sums rows and per-rule counts, recomputing statuses from the sums', () => {
    const mostly = { threshold: { mostly: 0.99 } };
    // Each batch passes mostly 0.99 on its own (1 in 100, 0 in 100); the sum does too, 3 in 200 does not.
    const a = report([share('dup', 100, 1, { ...mostly, samples: ['x'] })], 100, 99, { start: '2026-11-27T10:00:00.000Z', end: '2026-11-27T10:10:00.000Z' }, 1000);
    const b = report([share('dup', 100, 0, mostly)], 100, 100, { start: '2026-11-27T10:10:00.000Z', end: '2026-11-27T10:20:00.000Z' }, 2000);
    const c = report([share('dup', 100, 2, { ...mostly, samples: ['y', 'x'] })], 100, 98, { start: '2026-11-27T09:59:00.000Z', end: '2026-11-27T10:15:00.000Z' }, 1500);
    const ab = hourly([a, b]);
    expect(ab.rules[0]).toMatchObject({ evaluated: 200, failed: 1, passShare: 0.995, status: 'pass', samples: ['x'] });
    const abc = hourly([a, b, c]);
    expect(abc.rules[0]).toMatchObject({ evaluated: 300, failed: 3, passShare: 0.99, status: 'pass', samples: ['x', 'y'] });
    expect(hourly([a, c]).rules[0]).toMatchObject({ evaluated: 200, failed: 3, status: 'fail' });
    expect(abc).toMatchObject({
      scope: 'hour',
      window: { start: '2026-11-27T09:59:00.000Z', end: '2026-11-27T10:20:00.000Z' },
      generatedAt: new Date(2000).toISOString(),
      summary: { rowsEvaluated: 300, rowsValid: 297, qualityScoreLabel: '1/1' },
    });
  });

  it('keeps the worst status of a metric rule, ignores skipped parts, caps samples', () => {
    const parts = [
      report([metric('fresh', 10, 100, 'pass'), share('s', 10, 4, { samples: ['1', '2', '3', '4'] })], 10, 10),
      report([metric('fresh', 20, 900, 'warn'), share('s', 10, 4, { samples: ['5', '6', '7', '8'] })], 20, 20),
      report([metric('fresh', 0, 0, 'skipped'), share('s', 10, 0)], 0, 0),
      report([metric('fresh', 30, 200, 'pass')], 30, 30),
    ];
    const merged = mergeReports(parts, { sampleLimit: 5 });
    expect(merged.rules.find((r) => r.id === 'fresh')).toMatchObject({
      evaluated: 60,
      failed: 20,
      status: 'warn',
      metricValue: 900,
    });
    expect(merged.rules.find((r) => r.id === 's')?.samples).toEqual(['1', '2', '3', '4', '5']);
  });

  it('a rule skipped in every part stays skipped; rules present in some parts only are kept', () => {
    const merged = mergeReports([
      report([metric('volume', 0, 0, 'skipped')], 5, 5),
      report([metric('volume', 0, 0, 'skipped'), share('late', 4, 0)], 4, 4),
    ]);
    expect(merged.rules.map((r) => [r.id, r.status, r.evaluated])).toEqual([
      ['volume', 'skipped', 0],
      ['late', 'pass', 4],
    ]);
  });

  it('needs at least one report', () => {
    expect(() => mergeReports([])).toThrow(/at least one/);
  });
});
