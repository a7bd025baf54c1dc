import { DEVICE_TYPES, EVENT_TYPES, type EventType } from '@pipeline/events';
import { mergeReports, type RuleStatus, type Severity } from '@pipeline/quality';
import { formatCents, formatRatio, FUNNEL_STAGES, metricRowHourStart, type MetricRow } from '@pipeline/storage';
import type { HourlyQualityReport } from '@pipeline/ingest';
import { hourStartsOf, type TimeRange } from './time-range';

/**
 * Range figures from hourly metric rows. Counts and cents are added as integers; decimal money and
 * ratios are formatted from those integers at the end, so a range total matches its hours to the cent.
 *
 * Session-based figures (sessions, funnel stages, conversion) add the per-hour counts: a session active in
 * two hours counts in both. The hourly tables cannot tell distinct sessions across hours.
 */

const text = (row: MetricRow, column: string): string => String(row[column] ?? '');
const count = (row: MetricRow, column: string): number => Number(row[column] ?? 0);
const sumOf = (rows: readonly MetricRow[], column: string): number => rows.reduce((total, row) => total + count(row, column), 0);
const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** n / d rounded to 4 places for JSON; null when d is 0. */
export function shareOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;
}

export interface QualityScore {
  /** Checks passed / checks run over the range's merged report, 0..1. */
  score: number;
  /** E.g. "11/12". */
  label: string;
  /** Hours with a report. */
  hours: number;
}

export interface Summary {
  from: string | null;
  to: string | null;
  /** Hours with stored metrics. */
  hours: number;
  events: number;
  eventsByType: Record<EventType, number>;
  orders: number;
  units: number;
  revenueCents: number;
  revenue: string;
  /** Sum of per-hour distinct sessions: a session active in two hours counts in both. */
  sessions: number;
  /** Revenue per order, two places; null without orders. */
  averageOrderValue: string | null;
  /** Orders / sessions, four places; null without sessions. */
  conversionRate: string | null;
  /** Null when no hour of the range has a quality report. */
  quality: QualityScore | null;
}

/** Sums hourly summary and events_by_type rows into one range summary. */
export function combineSummaries(
  summaryRows: readonly MetricRow[],
  byTypeRows: readonly MetricRow[],
  range?: TimeRange,
  qualityReports: readonly HourlyQualityReport[] = [],
): Summary {
  const eventsByType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  for (const row of byTypeRows) {
    const type = text(row, 'event_type') as EventType;
    if (type in eventsByType) eventsByType[type] += count(row, 'events');
  }
  const revenueCents = sumOf(summaryRows, 'revenue_cents');
  const orders = sumOf(summaryRows, 'orders');
  const sessions = sumOf(summaryRows, 'sessions');
  const quality = qualityScoreOf(qualityReports, range);
  return {
    from: isoOrNull(range?.fromMs),
    to: isoOrNull(range?.toMs),
    hours: summaryRows.length,
    events: sumOf(summaryRows, 'events'),
    eventsByType,
    orders,
    units: sumOf(summaryRows, 'units'),
    revenueCents,
    revenue: formatCents(revenueCents),
    sessions,
    averageOrderValue: orders === 0 ? null : formatRatio(revenueCents, orders * 100, 2),
    conversionRate: sessions === 0 ? null : formatRatio(orders, sessions, 4),
    quality,
  };
}

export interface HourlyPoint {
  /** ISO start of the hour. */
  hour: string;
  events: number;
  orders: number;
  sessions: number;
  revenueCents: number;
  revenue: string;
}

/** One point per hour of the range, in order; hours without stored metrics are zeros. */
export function hourlySeries(summaryRows: readonly MetricRow[], range: TimeRange): HourlyPoint[] {
  const byHour = new Map<number, MetricRow>();
  // The stored column is hour_start (`hour` in tables written before the rename); the point keeps the API's `hour`.
  for (const row of summaryRows) byHour.set(Date.parse(metricRowHourStart(row) ?? ''), row);
  return hourStartsOf(range).map((start) => {
    const row = byHour.get(start);
    const revenueCents = row ? count(row, 'revenue_cents') : 0;
    return {
      hour: new Date(start).toISOString(),
      events: row ? count(row, 'events') : 0,
      orders: row ? count(row, 'orders') : 0,
      sessions: row ? count(row, 'sessions') : 0,
      revenueCents,
      revenue: formatCents(revenueCents),
    };
  });
}

export interface ProductTotal {
  productId: string;
  name: string;
  category: string;
  views: number;
  addToCarts: number;
  units: number;
  revenueCents: number;
  revenue: string;
}

/** Products summed over the range, best revenue first (then units, then id, so ties have a fixed order). */
export function topProducts(productRows: readonly MetricRow[], limit: number): ProductTotal[] {
  const totals = new Map<string, ProductTotal>();
  for (const row of productRows) {
    const productId = text(row, 'product_id');
    const total = totals.get(productId) ?? {
      productId,
      name: '',
      category: '',
      views: 0,
      addToCarts: 0,
      units: 0,
      revenueCents: 0,
      revenue: '',
    };
    // Rows come in hour order: the newest hour's name and category win if the catalog changed.
    total.name = text(row, 'product_name');
    total.category = text(row, 'category');
    total.views += count(row, 'views');
    total.addToCarts += count(row, 'add_to_carts');
    total.units += count(row, 'units');
    total.revenueCents += count(row, 'revenue_cents');
    totals.set(productId, total);
  }
  return [...totals.values()]
    .sort((a, b) => b.revenueCents - a.revenueCents || b.units - a.units || compareText(a.productId, b.productId))
    .slice(0, limit)
    .map((total) => ({ ...total, revenue: formatCents(total.revenueCents) }));
}

export interface DeviceTotal {
  deviceType: string;
  events: number;
  orders: number;
  revenueCents: number;
  revenue: string;
  /** Share of the range's events, 0..1; null when there are none. */
  eventShare: number | null;
}

/** Every known device type (zeros included, in contract order), then any other type found in the data. */
export function deviceTotals(deviceRows: readonly MetricRow[]): DeviceTotal[] {
  const totals = new Map<string, { events: number; orders: number; revenueCents: number }>();
  for (const type of DEVICE_TYPES) totals.set(type, { events: 0, orders: 0, revenueCents: 0 });
  for (const row of deviceRows) {
    const type = text(row, 'device_type');
    const total = totals.get(type) ?? { events: 0, orders: 0, revenueCents: 0 };
    total.events += count(row, 'events');
    total.orders += count(row, 'orders');
    total.revenueCents += count(row, 'revenue_cents');
    totals.set(type, total);
  }
  const allEvents = [...totals.values()].reduce((sum, t) => sum + t.events, 0);
  return [...totals.entries()].map(([deviceType, t]) => ({
    deviceType,
    events: t.events,
    orders: t.orders,
    revenueCents: t.revenueCents,
    revenue: formatCents(t.revenueCents),
    eventShare: shareOf(t.events, allEvents),
  }));
}

export interface FunnelStep {
  stage: string;
  /** Sessions that reached the stage, summed over the hours. */
  sessions: number;
  /** Sessions here / sessions at the first stage. */
  shareOfFirst: number | null;
  /** Sessions here / sessions at the stage before (the first stage: null). */
  shareOfPrevious: number | null;
}

export function funnelSteps(funnelRows: readonly MetricRow[]): FunnelStep[] {
  const sessions = new Map<string, number>(FUNNEL_STAGES.map(({ stage }) => [stage, 0]));
  for (const row of funnelRows) {
    const stage = text(row, 'stage');
    if (sessions.has(stage)) sessions.set(stage, (sessions.get(stage) ?? 0) + count(row, 'sessions'));
  }
  const counts = FUNNEL_STAGES.map(({ stage }) => ({ stage, sessions: sessions.get(stage) ?? 0 }));
  return counts.map((step, index) => ({
    ...step,
    shareOfFirst: shareOf(step.sessions, counts[0].sessions),
    shareOfPrevious: index === 0 ? null : shareOf(step.sessions, counts[index - 1].sessions),
  }));
}

/** The headline figures of a quality report, for one hour or a whole range. */
export interface QualityFigures {
  qualityScore: number;
  qualityScoreLabel: string;
  checksPassed: number;
  checksTotal: number;
  rowsEvaluated: number;
  rowsValid: number;
  validShare: number;
  rowWeightedScore: number;
}

export interface QualityHour extends QualityFigures {
  hour: string;
  /** Ids of the checks that warned or failed in the hour. */
  failingChecks: string[];
}

export interface QualityRuleTotal {
  id: string;
  description: string;
  severity: Severity;
  status: RuleStatus;
  evaluated: number;
  failed: number;
  passShare: number;
}

export interface QualityOverview {
  from: string | null;
  to: string | null;
  /** The range's hourly reports merged into one (share rules re-judged on summed counts); null without reports. */
  overall: QualityFigures | null;
  rules: QualityRuleTotal[];
  hours: QualityHour[];
  /** Hours whose report file could not be read. */
  unreadableHours: string[];
}

export function qualityOverview(
  reports: readonly HourlyQualityReport[],
  range?: TimeRange,
  unreadableHours: readonly string[] = [],
): QualityOverview {
  const merged = mergedQuality(reports, range);
  return {
    from: isoOrNull(range?.fromMs),
    to: isoOrNull(range?.toMs),
    overall: merged ? { ...merged.summary } : null,
    rules: (merged?.rules ?? []).map((rule) => ({
      id: rule.id,
      description: rule.description,
      severity: rule.severity,
      status: rule.status,
      evaluated: rule.evaluated,
      failed: rule.failed,
      passShare: rule.passShare,
    })),
    hours: reports.map(({ hour, report }) => ({
      hour,
      qualityScore: report.summary.qualityScore,
      qualityScoreLabel: report.summary.qualityScoreLabel,
      checksPassed: report.summary.checksPassed,
      checksTotal: report.summary.checksTotal,
      rowsEvaluated: report.summary.rowsEvaluated,
      rowsValid: report.summary.rowsValid,
      validShare: report.summary.validShare,
      rowWeightedScore: report.summary.rowWeightedScore,
      failingChecks: report.rules.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.id),
    })),
    unreadableHours: [...unreadableHours],
  };
}

function mergedQuality(reports: readonly HourlyQualityReport[], range?: TimeRange) {
  if (reports.length === 0) return null;
  const window = range ? { start: new Date(range.fromMs).toISOString(), end: new Date(range.toMs).toISOString() } : undefined;
  return mergeReports(
    reports.map((r) => r.report),
    { scope: 'hour', window },
  );
}

function qualityScoreOf(reports: readonly HourlyQualityReport[], range?: TimeRange): QualityScore | null {
  const merged = mergedQuality(reports, range);
  if (!merged) return null;
  return { score: merged.summary.qualityScore, label: merged.summary.qualityScoreLabel, hours: reports.length };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
