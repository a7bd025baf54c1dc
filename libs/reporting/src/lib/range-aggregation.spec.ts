import {
  combineSummaries,
  deviceTotals,
  funnelSteps,
  hourlySeries,
  qualityOverview,
  shareOf,
  topProducts,
} from './range-aggregation';
import { hourReport, ruleResult } from './testing/fixtures';

const H9 = '2026-11-27T09:00:00.000Z';
const H10 = '2026-11-27T10:00:00.000Z';
const H11 = '2026-11-27T11:00:00.000Z';
const range = { fromMs: Date.parse(H9), toMs: Date.parse('2026-11-27T12:00:00.000Z') };

describe('combineSummaries', () => {
  it('adds hours together, exact to the cent', () => {
    const summary = combineSummaries(
      [
        { hour_start: H9, events: 10, orders: 1, units: 3, revenue_cents: 10, sessions: 4 },
        { hour_start: H10, events: 5, orders: 2, units: 2, revenue_cents: 20, sessions: 2 },
      ],
      [
        { hour_start: H9, event_type: 'page_view', events: 9 },
        { hour_start: H9, event_type: 'purchase', events: 1 },
        { hour_start: H10, event_type: 'purchase', events: 2 },
        { hour_start: H10, event_type: 'search', events: 3 },
      ],
      range,
    );
    expect(summary).toEqual({
      from: H9,
      to: '2026-11-27T12:00:00.000Z',
      hours: 2,
      events: 15,
      orders: 3,
      units: 5,
      revenueCents: 30,
      revenue: '0.30',
      sessions: 6,
      averageOrderValue: '0.10',
      conversionRate: '0.5000',
      eventsByType: { page_view: 9, purchase: 3, search: 3, add_to_cart: 0, remove_from_cart: 0 },
      quality: null,
    });
  });

  it('is all zeros over an empty range, with no ratios to divide by zero', () => {
    expect(combineSummaries([], [])).toMatchObject({
      from: null,
      events: 0,
      revenue: '0.00',
      hours: 0,
      averageOrderValue: null,
      conversionRate: null,
    });
  });

  it('adds 0.1 + 0.2 dollars as cents, not floats', () => {
    const rows = [
      { hour_start: H9, events: 1, orders: 1, units: 1, revenue_cents: 10, sessions: 1 },
      { hour_start: H10, events: 1, orders: 1, units: 1, revenue_cents: 20, sessions: 1 },
    ];
    expect(combineSummaries(rows, []).revenue).toBe('0.30');
  });

  it('scores quality over the merged hourly reports', () => {
    const reports = [
      { hour: H9, report: hourReport(H9, [ruleResult('a', 10, 0), ruleResult('b', 10, 0)], 10, 10) },
      { hour: H10, report: hourReport(H10, [ruleResult('a', 10, 1), ruleResult('b', 10, 0)], 10, 9) },
    ];
    expect(combineSummaries([], [], range, reports).quality).toEqual({ score: 0.5, label: '1/2', hours: 2 });
  });
});

describe('hourlySeries', () => {
  it('has one point per hour of the range, zeros where nothing is stored', () => {
    const points = hourlySeries([{ hour_start: H10, events: 7, orders: 1, sessions: 3, revenue_cents: 1999 }], range);
    expect(points).toEqual([
      { hour: H9, events: 0, orders: 0, sessions: 0, revenueCents: 0, revenue: '0.00' },
      { hour: H10, events: 7, orders: 1, sessions: 3, revenueCents: 1999, revenue: '19.99' },
      { hour: H11, events: 0, orders: 0, sessions: 0, revenueCents: 0, revenue: '0.00' },
    ]);
  });

  it('places a row of a table written before the column rename (`hour`, not `hour_start`) in its hour', () => {
    const points = hourlySeries(
      [
        { hour: H9, events: 2, orders: 0, sessions: 1, revenue_cents: 0 },
        { hour_start: H11, events: 5, orders: 1, sessions: 2, revenue_cents: 100 },
      ],
      range,
    );
    expect(points.map((p) => [p.hour, p.events])).toEqual([
      [H9, 2],
      [H10, 0],
      [H11, 5],
    ]);
  });
});

describe('topProducts', () => {
  const row = (hourStart: string, id: string, name: string, revenue: number, units = 1) => ({
    hour_start: hourStart,
    product_id: id,
    product_name: name,
    category: 'Home',
    views: 2,
    add_to_carts: 1,
    units,
    revenue_cents: revenue,
    revenue: '',
  });

  it('sums each product over the hours and ranks by revenue, then units, then id', () => {
    const products = topProducts(
      [row(H9, 'p-2', 'Mug', 500), row(H9, 'p-1', 'Pen', 300, 5), row(H10, 'p-1', 'Pen', 300, 5), row(H10, 'p-3', 'Cup', 600, 1), row(H10, 'p-4', 'Tea', 600, 1)],
      10,
    );
    expect(products.map((p) => [p.productId, p.revenueCents, p.units])).toEqual([
      ['p-1', 600, 10],
      ['p-3', 600, 1],
      ['p-4', 600, 1],
      ['p-2', 500, 1],
    ]);
    expect(products[0]).toMatchObject({ name: 'Pen', views: 4, addToCarts: 2, revenue: '6.00' });
  });

  it('keeps the newest name and stops at the limit', () => {
    const products = topProducts([row(H9, 'p-1', 'Old name', 100), row(H10, 'p-1', 'New name', 100), row(H10, 'p-2', 'Other', 1)], 1);
    expect(products).toHaveLength(1);
    expect(products[0].name).toBe('New name');
  });
});

describe('deviceTotals', () => {
  it('lists every known device type, then unknown ones, with their share of events', () => {
    const devices = deviceTotals([
      { hour_start: H9, device_type: 'mobile', events: 3, orders: 1, revenue_cents: 150 },
      { hour_start: H10, device_type: 'mobile', events: 3, orders: 0, revenue_cents: 0 },
      { hour_start: H10, device_type: 'smart_tv', events: 2, orders: 0, revenue_cents: 0 },
    ]);
    expect(devices.map((d) => [d.deviceType, d.events, d.eventShare, d.revenue])).toEqual([
      ['desktop', 0, 0, '0.00'],
      ['mobile', 6, 0.75, '1.50'],
      ['tablet', 0, 0, '0.00'],
      ['smart_tv', 2, 0.25, '0.00'],
    ]);
  });

  it('has no shares without events', () => expect(deviceTotals([])[0].eventShare).toBeNull());
});

describe('funnelSteps', () => {
  it('sums sessions per stage and gives each stage its share of the first and of the previous', () => {
    const steps = funnelSteps([
      { hour_start: H9, stage: 'viewed', sessions: 60 },
      { hour_start: H9, stage: 'added_to_cart', sessions: 9 },
      { hour_start: H9, stage: 'purchased', sessions: 3 },
      { hour_start: H10, stage: 'viewed', sessions: 40 },
      { hour_start: H10, stage: 'added_to_cart', sessions: 11 },
      { hour_start: H10, stage: 'purchased', sessions: 2 },
      { hour_start: H10, stage: 'unknown', sessions: 99 },
    ]);
    expect(steps).toEqual([
      { stage: 'viewed', sessions: 100, shareOfFirst: 1, shareOfPrevious: null },
      { stage: 'added_to_cart', sessions: 20, shareOfFirst: 0.2, shareOfPrevious: 0.2 },
      { stage: 'purchased', sessions: 5, shareOfFirst: 0.05, shareOfPrevious: 0.25 },
    ]);
  });

  it('has null shares when no session viewed anything', () => {
    expect(funnelSteps([]).map((s) => s.shareOfFirst)).toEqual([null, null, null]);
  });
});

describe('qualityOverview', () => {
  it('merges the hours into one report, re-judging share rules on the summed counts', () => {
    const overview = qualityOverview(
      [
        { hour: H9, report: hourReport(H9, [ruleResult('not_null', 100, 0), ruleResult('price_range', 100, 0)], 100, 100) },
        { hour: H11, report: hourReport(H11, [ruleResult('not_null', 50, 2), ruleResult('price_range', 50, 0)], 50, 48) },
      ],
      range,
      ['2026-11-27T10:00:00.000Z'],
    );
    expect(overview.overall).toMatchObject({ rowsEvaluated: 150, rowsValid: 148, checksPassed: 1, checksTotal: 2, qualityScoreLabel: '1/2' });
    expect(overview.rules.find((r) => r.id === 'not_null')).toMatchObject({ evaluated: 150, failed: 2, status: 'fail' });
    expect(overview.hours.map((h) => [h.hour, h.qualityScore, h.failingChecks])).toEqual([
      [H9, 1, []],
      [H11, 0.5, ['not_null']],
    ]);
    expect(overview.unreadableHours).toEqual(['2026-11-27T10:00:00.000Z']);
  });

  it('has no overall figures without reports', () => {
    expect(qualityOverview([], range)).toMatchObject({ overall: null, rules: [], hours: [] });
  });
});

it('shareOf rounds to four places and is null for a zero denominator', () => {
  expect(shareOf(1, 3)).toBe(0.3333);
  expect(shareOf(1, 0)).toBeNull();
});
