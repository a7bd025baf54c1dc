import { toEventRow, type ShopEvent } from '@pipeline/events';
import { datasetFromColumns, datasetFromEvents, datasetFromRows } from './dataset';
import { checkHour, runDatasetRules } from './dataset-evaluator';
import { completenessRule, eventTypeShareRule, freshnessRule, uniquenessRule, volumeRule } from './dataset-rules';
import { defaultDatasetRules } from './default-rules';
import type { DatasetRule } from './rule.types';
import { HourlySeenIds } from './seen-ids';
import { eventMix, pageView, purchase, search, uuidFor } from './testing/event-variants';

const NOW = Date.parse('2026-11-27T11:00:00.000Z');
const HOUR = Date.parse('2026-11-27T10:00:00.000Z');

function run(rule: DatasetRule, events: readonly ShopEvent[], extra: { seenIds?: HourlySeenIds; trailingHourCounts?: number[] } = {}) {
  return runDatasetRules([rule], datasetFromEvents(events), { nowMs: NOW, ...extra }).results[0];
}

/** n page views with ids 1..n; `withoutPage` of them have no page. */
function pageViews(n: number, withoutPage = 0): ShopEvent[] {
  return Array.from({ length: n }, (_, i) => pageView({ event_id: uuidFor(i + 1), page: i < withoutPage ? null : '/p' }));
}

describe('uniqueness', () => {
  const unique = uniquenessRule({ id: 'unique_event_id', description: 'unique ids' });

  it('flags repeats within a dataset, keeping the first occurrence', () => {
    const events = [...pageViews(3), pageView({ event_id: uuidFor(2) }), pageView({ event_id: uuidFor(2) })];
    const result = run(unique, events);
    expect(result).toMatchObject({ evaluated: 5, failed: 2, status: 'fail', samples: [uuidFor(2)] });
    expect(runDatasetRules([unique], datasetFromEvents(events), { nowMs: NOW }).blockingRows).toEqual([3, 4]);
  });

  it('flags ids stored by an earlier batch of the same event hour, not of another hour', () => {
    const seenIds = new HourlySeenIds();
    seenIds.recordEvents([pageView({ event_id: uuidFor(1), event_time: '2026-11-27T10:05:00.000Z' })]);
    const sameHour = pageView({ event_id: uuidFor(1), event_time: '2026-11-27T10:59:59.999Z' });
    const nextHour = pageView({ event_id: uuidFor(1), event_time: '2026-11-27T11:00:00.000Z' });
    expect(run(unique, [sameHour], { seenIds })).toMatchObject({ failed: 1, samples: [uuidFor(1)] });
    expect(run(unique, [nextHour], { seenIds })).toMatchObject({ failed: 0, status: 'pass' });
  });

  it('does not record anything itself (a retried batch is not its own duplicate)', () => {
    const seenIds = new HourlySeenIds();
    const events = pageViews(3);
    run(unique, events, { seenIds });
    expect(run(unique, events, { seenIds })).toMatchObject({ failed: 0 });
  });

  it('finds duplicates across files of an hour read back from storage', () => {
    const fileA = eventMix(50, '2026-11-27T10:00:00.000Z', 1000, 1).map(toEventRow);
    const fileB = eventMix(50, '2026-11-27T10:30:00.000Z', 1000, 41).map(toEventRow);
    const report = checkHour([unique], datasetFromRows([...fileA, ...fileB]), { nowMs: NOW, hourStartMs: HOUR });
    expect(report.rules[0]).toMatchObject({ evaluated: 100, failed: 10, status: 'fail' });
    expect(report.rules[0].samples).toEqual([41, 42, 43, 44, 45].map(uuidFor));
    expect(report.window).toEqual({ start: '2026-11-27T10:00:00.000Z', end: '2026-11-27T11:00:00.000Z' });
    expect(report.summary).toMatchObject({ rowsEvaluated: 100, rowsValid: 90 });
  });

  it('lists each failing row once, ascending, when repeats and stored ids overlap (rows with epoch-ms times)', () => {
    const seenIds = new HourlySeenIds();
    seenIds.recordEvents([2, 5].map((n) => pageView({ event_id: uuidFor(n), event_time: '2026-11-27T10:05:00.000Z' })));
    const rows = [1, 2, 3, 1, 5, 2, 6, 3].map((n) => toEventRow(pageView({ event_id: uuidFor(n), event_time: '2026-11-27T10:10:00.000Z' })));
    expect(typeof rows[0]['event_time']).toBe('number');
    const run = runDatasetRules([unique], datasetFromRows(rows), { nowMs: NOW, seenIds });
    // repeats: rows 3, 5, 7; stored: rows 1, 4, 5
    expect(run.blockingRows).toEqual([1, 3, 4, 5, 7]);
    expect(run.results[0]).toMatchObject({ evaluated: 8, failed: 5, samples: [2, 1, 5, 3].map(uuidFor) });
    expect(runDatasetRules([unique], datasetFromRows(rows.slice(0, 3)), { nowMs: NOW }).blockingRows).toEqual([]);
  });

  it('works on a bare id list and passes at mostly exactly at the bound', () => {
    const ids = [...Array.from({ length: 99 }, (_, i) => uuidFor(i)), uuidFor(0)];
    const tolerant = uniquenessRule({ id: 'u', description: 'u', mostly: 0.99 });
    const strict = uniquenessRule({ id: 'u', description: 'u', mostly: 0.991 });
    const data = datasetFromColumns({ event_id: ids });
    expect(runDatasetRules([tolerant], data, { nowMs: NOW }).results[0]).toMatchObject({ passShare: 0.99, status: 'pass' });
    expect(runDatasetRules([strict], data, { nowMs: NOW }).results[0]).toMatchObject({ status: 'fail' });
  });

  it('skips when the id column is not available', () => {
    const data = datasetFromColumns({ other: [1] });
    expect(runDatasetRules([unique], data, { nowMs: NOW }).results[0]).toMatchObject({
      status: 'skipped',
      note: 'column event_id is not available',
    });
  });
});

describe('completeness', () => {
  const pages = (mostly: number) =>
    completenessRule({ id: 'complete_page', description: 'pages', column: 'page', mostly, severity: 'warn' });

  it.each([
    [0.95, 5, 'pass'],
    [0.95, 6, 'warn'],
    [1, 0, 'pass'],
    [1, 1, 'warn'],
  ])('mostly %d with %d of 100 empty -> %s', (mostly, empty, status) => {
    expect(run(pages(mostly), pageViews(100, empty))).toMatchObject({ evaluated: 100, failed: empty, status });
  });

  it('only counts rows of the kinds that require the column', () => {
    const rule = completenessRule({ id: 'c', description: 'c', column: 'query', appliesTo: ['search'], mostly: 1 });
    const events = [pageView(), search({ event_id: uuidFor(1) }), { ...search({ event_id: uuidFor(2) }), query: '' }];
    expect(run(rule, events)).toMatchObject({ evaluated: 2, failed: 1, status: 'fail', samples: [uuidFor(2)] });
  });

  it('warn-severity failures do not make rows invalid', () => {
    expect(runDatasetRules([pages(1)], datasetFromEvents(pageViews(4, 2)), { nowMs: NOW }).blockingRows).toEqual([]);
  });
});

describe('freshness', () => {
  const fresh = freshnessRule({ id: 'freshness', description: 'fresh', maxAgeSeconds: 300 });
  const at = (iso: string) => pageView({ event_time: iso });

  it.each([
    ['10:55:00.000 (exactly 300 s)', '2026-11-27T10:55:00.000Z', 'pass', 300],
    ['10:54:59.999', '2026-11-27T10:54:59.999Z', 'warn', 300.001],
  ])('newest event at %s -> %s', (_name, newest, status, age) => {
    const result = run(fresh, [at('2026-11-27T10:00:00.000Z'), at(newest)]);
    expect(result).toMatchObject({ status, metricValue: age });
  });

  it('reads epoch-ms times of stored rows and skips an empty dataset', () => {
    const rows = [toEventRow(at('2026-11-27T10:59:00.000Z'))];
    expect(runDatasetRules([fresh], datasetFromRows(rows), { nowMs: NOW }).results[0]).toMatchObject({ metricValue: 60 });
    expect(run(fresh, [])).toMatchObject({ status: 'skipped', note: 'no timed rows' });
  });

  it('a breach fails every row it describes (row-weighted score)', () => {
    expect(run(fresh, [at('2026-11-27T09:00:00.000Z'), at('2026-11-27T09:00:01.000Z')])).toMatchObject({
      evaluated: 2,
      failed: 2,
      passShare: 0,
    });
  });
});

describe('volume', () => {
  const volume = volumeRule({ id: 'hourly_volume', description: 'volume', factor: 5, minTrailingHours: 3 });
  const rows = (n: number) => datasetFromColumns({ event_id: Array.from({ length: n }, (_, i) => uuidFor(i)) });
  const measure = (n: number, trailingHourCounts?: number[]) =>
    runDatasetRules([volume], rows(n), { nowMs: NOW, trailingHourCounts }).results[0];

  it.each([
    [500, 'pass'],
    [501, 'warn'],
    [20, 'pass'],
    [19, 'warn'],
    [100, 'pass'],
  ])('%d rows against a trailing mean of 100 -> %s', (n, status) => {
    expect(measure(n, [90, 100, 110])).toMatchObject({ status, metricValue: n / 100 });
  });

  it('skips without a baseline of 3 trailing hours or with empty ones', () => {
    expect(measure(10)).toMatchObject({ status: 'skipped', note: 'needs 3 trailing hours, has 0' });
    expect(measure(10, [100, 100])).toMatchObject({ status: 'skipped' });
    expect(measure(10, [0, 0, 0])).toMatchObject({ status: 'skipped', note: 'trailing hours are empty' });
  });

  it('rejects a factor below 1', () => {
    expect(() => volumeRule({ id: 'v', description: 'v', factor: 0.5, minTrailingHours: 3 })).toThrow(/factor/);
  });
});

describe('event type distribution', () => {
  const purchaseShare = eventTypeShareRule({ id: 'purchase_share', description: 'p', eventType: 'purchase', max: 0.2, minRows: 10 });
  const viewShare = eventTypeShareRule({ id: 'page_view_share', description: 'v', eventType: 'page_view', min: 0.2, minRows: 10 });
  const mix = (purchases: number, views: number) => [
    ...Array.from({ length: purchases }, (_, i) => purchase({ event_id: uuidFor(i) })),
    ...Array.from({ length: views }, (_, i) => pageView({ event_id: uuidFor(1000 + i) })),
  ];

  it.each([
    [20, 80, 'pass'],
    [21, 79, 'warn'],
  ])('%d purchases of 100 -> %s', (purchases, views, status) => {
    expect(run(purchaseShare, mix(purchases, views))).toMatchObject({ status, metricValue: purchases / 100 });
  });

  it.each([
    [80, 20, 'pass'],
    [81, 19, 'warn'],
  ])('%d purchases, %d page views -> page view share %s', (purchases, views, status) => {
    expect(run(viewShare, mix(purchases, views))).toMatchObject({ status });
  });

  it('skips datasets too small to judge', () => {
    expect(run(purchaseShare, mix(5, 4))).toMatchObject({ status: 'skipped', note: 'needs 10 rows, has 9' });
  });
});

describe('runDatasetRules', () => {
  it('reports a throwing rule instead of throwing', () => {
    const broken: DatasetRule = {
      id: 'broken',
      description: 'b',
      severity: 'warn',
      kind: 'volume',
      columns: [],
      threshold: { metric: 'm', min: null, max: 1 },
      measure: () => {
        throw new Error('boom');
      },
    };
    expect(runDatasetRules([broken], datasetFromEvents([]), { nowMs: NOW }).results[0]).toMatchObject({
      status: 'warn',
      note: 'rule threw: boom',
    });
  });

  it('validates the rule list', () => {
    const [first] = defaultDatasetRules();
    expect(() => runDatasetRules([first, first], datasetFromEvents([]), { nowMs: NOW })).toThrow(/duplicate rule id/);
    const badBound = { ...first, id: 'x', threshold: { metric: 'm', min: 2, max: 1 } };
    expect(() => runDatasetRules([badBound], datasetFromEvents([]), { nowMs: NOW })).toThrow(/min 2 > max 1/);
  });

  it('the default dataset rules cover duplicates, completeness, freshness, volume and distribution', () => {
    expect(new Set(defaultDatasetRules().map((r) => r.kind))).toEqual(
      new Set(['uniqueness', 'completeness', 'freshness', 'volume', 'distribution']),
    );
  });
});
