import { buildReport, type QualityReport, type RuleResult, type RuleStatus } from '@pipeline/quality';
import type { ReportSnapshot } from '../report-store';
import { combineSummaries, deviceTotals, funnelSteps, hourlySeries, qualityOverview, topProducts } from '../range-aggregation';

/** Hand-made report parts for exact assertions (the app's tests use reports built from simulated data). */

export function ruleResult(id: string, evaluated: number, failed: number, status: RuleStatus = failed === 0 ? 'pass' : 'fail'): RuleResult {
  return {
    id,
    description: `check ${id}`,
    severity: 'error',
    level: 'record',
    kind: 'required',
    columns: [id],
    threshold: { mostly: 1 },
    evaluated,
    failed,
    passShare: evaluated === 0 ? 1 : (evaluated - failed) / evaluated,
    status,
    metricValue: null,
    samples: [],
    note: null,
  };
}

export function hourReport(hourIso: string, rules: RuleResult[], rowsEvaluated: number, rowsValid: number): QualityReport {
  const start = Date.parse(hourIso);
  return buildReport({
    scope: 'hour',
    window: { start: hourIso, end: new Date(start + 3_600_000).toISOString() },
    generatedAtMs: start + 3_660_000,
    rowsEvaluated,
    rowsValid,
    rules,
  });
}

/** A small three-hour snapshot: 09:00 and 10:00 have data and a quality report, 11:00 has neither. */
export function sampleSnapshot(): ReportSnapshot {
  const H9 = '2026-11-27T09:00:00.000Z';
  const H10 = '2026-11-27T10:00:00.000Z';
  const range = { fromMs: Date.parse(H9), toMs: Date.parse('2026-11-27T12:00:00.000Z') };
  const summaryRows = [
    { hour_start: H9, events: 120, orders: 3, units: 4, revenue_cents: 12_345, sessions: 40 },
    { hour_start: H10, events: 80, orders: 1, units: 1, revenue_cents: 999, sessions: 30 },
  ];
  const byType = [
    { hour_start: H9, event_type: 'page_view', events: 100 },
    { hour_start: H9, event_type: 'purchase', events: 3 },
    { hour_start: H9, event_type: 'search', events: 17 },
    { hour_start: H10, event_type: 'page_view', events: 79 },
    { hour_start: H10, event_type: 'purchase', events: 1 },
  ];
  const products = Array.from({ length: 12 }, (_, i) => ({
    hour_start: H9,
    product_id: `p-${String(i).padStart(4, '0')}`,
    product_name: i === 0 ? 'A product with a name far too long to fit on the axis of a chart' : `Product ${i}`,
    category: 'Home',
    views: 10,
    add_to_carts: 2,
    units: 1,
    revenue_cents: 10_000 - i * 500,
  }));
  const devices = [
    { hour_start: H9, device_type: 'mobile', events: 150, orders: 3, revenue_cents: 12_345 },
    { hour_start: H10, device_type: 'desktop', events: 50, orders: 1, revenue_cents: 999 },
  ];
  const funnel = [
    { hour_start: H9, stage: 'viewed', sessions: 40 },
    { hour_start: H9, stage: 'added_to_cart', sessions: 8 },
    { hour_start: H9, stage: 'purchased', sessions: 3 },
  ];
  const reports = [
    { hour: H9, report: hourReport(H9, [ruleResult('a', 120, 0), ruleResult('b', 120, 0)], 120, 120) },
    { hour: H10, report: hourReport(H10, [ruleResult('a', 80, 2), ruleResult('b', 80, 0)], 80, 78) },
  ];
  return {
    range,
    summary: combineSummaries(summaryRows, byType, range, reports),
    hourly: hourlySeries(summaryRows, range),
    products: topProducts(products, 10),
    devices: deviceTotals(devices),
    funnel: funnelSteps(funnel),
    quality: qualityOverview(reports, range),
  };
}

/** The same range with nothing stored. */
export function emptySnapshot(): ReportSnapshot {
  const range = { fromMs: Date.parse('2026-11-27T09:00:00.000Z'), toMs: Date.parse('2026-11-27T12:00:00.000Z') };
  return {
    range,
    summary: combineSummaries([], [], range),
    hourly: hourlySeries([], range),
    products: [],
    devices: deviceTotals([]),
    funnel: funnelSteps([]),
    quality: qualityOverview([], range),
  };
}
