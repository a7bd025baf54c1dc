import { DEVICE_TYPES, EVENT_TYPES, type EventType } from '@pipeline/events';
import { formatCents, formatRatio } from '@pipeline/storage';
import type { HourlyQualityReport } from '@pipeline/ingest';
import { qualityOverview, shareOf, type DeviceTotal, type FunnelStep, type HourlyPoint, type ProductTotal, type Summary } from '../range-aggregation';
import type { TimeRange } from '../time-range';
import type { HourWindow, RangeDigests } from './exact-range-engine';
import { ADDED_TO_CART, PURCHASED, VIEWED_PRODUCT, type DigestTotals } from './window-digest';

/**
 * The published figures of a range, from its digests. Definitions (README "Metric definitions", OpenAPI):
 * a range is [from, to) on event_time to the millisecond; sessions / users = distinct ids in the range;
 * conversion rate = distinct sessions with at least one purchase / distinct sessions; orders = distinct
 * order_id; revenue = sum of revenue_cents; units = sum of purchased quantities; AOV = revenue / orders.
 */

export interface ExactSummary extends Summary {
  /** Hours of the range that hold at least one event. */
  hours: number;
  /** Distinct session_id in the range. */
  sessions: number;
  /** Distinct user_id in the range. */
  users: number;
  /** Distinct sessions with at least one purchase in the range. */
  purchasingSessions: number;
  /** purchasingSessions / sessions, four places; null without sessions. */
  conversionRate: string | null;
  /** orders / sessions, four places; null without sessions (can exceed 1). */
  ordersPerSession: string | null;
  /** Newest event_time in the range, or null. */
  newestEventTime: string | null;
  /** Hash of the raw files the figures come from: equal versions, equal data. */
  dataVersion: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function eventsByTypeOf(digest: DigestTotals): Record<EventType, number> {
  const out = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  for (const [type, n] of digest.eventsByType) if (type in out) out[type as EventType] += n;
  return out;
}

export function exactSummary(digests: RangeDigests, qualityReports: readonly HourlyQualityReport[]): ExactSummary {
  const { total, range } = digests;
  const sessions = total.sessions;
  const purchasingSessions = total.sessionsWith.get(PURCHASED) ?? 0;
  const orders = total.orders;
  const quality = qualityOverview(qualityReports, range).overall;
  return {
    from: iso(range.fromMs),
    to: iso(range.toMs),
    hours: digests.hours.filter((h) => h.digest.events > 0).length,
    events: total.events,
    eventsByType: eventsByTypeOf(total),
    orders,
    units: total.units,
    revenueCents: total.revenueCents,
    revenue: formatCents(total.revenueCents),
    sessions,
    users: total.users,
    purchasingSessions,
    averageOrderValue: orders === 0 ? null : formatRatio(total.revenueCents, orders * 100, 2),
    conversionRate: sessions === 0 ? null : formatRatio(purchasingSessions, sessions, 4),
    ordersPerSession: sessions === 0 ? null : formatRatio(orders, sessions, 4),
    quality: quality ? { score: quality.qualityScore, label: quality.qualityScoreLabel, hours: qualityReports.length } : null,
    newestEventTime: total.newestEventMs === null ? null : iso(total.newestEventMs),
    dataVersion: digests.listing.version,
  };
}

export interface ExactHourlyPoint extends HourlyPoint {
  /** The part of the hour inside the range: [from, to). */
  from: string;
  to: string;
  users: number;
}

/** One point per hour the range overlaps, each over the part of the hour inside the range. */
export function exactHourly(hours: readonly HourWindow[]): ExactHourlyPoint[] {
  return hours.map(({ hourStartMs, fromMs, toMs, digest }) => ({
    hour: iso(hourStartMs),
    from: iso(fromMs),
    to: iso(toMs),
    events: digest.events,
    orders: digest.orderIds.size,
    sessions: digest.sessions.size,
    users: digest.users.size,
    revenueCents: digest.revenueCents,
    revenue: formatCents(digest.revenueCents),
  }));
}

/** Best revenue first, then units, then product id (a fixed order for ties). */
export function exactTopProducts(digest: DigestTotals, limit: number): ProductTotal[] {
  return [...digest.products.values()]
    .sort((a, b) => b.revenueCents - a.revenueCents || b.units - a.units || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .slice(0, limit)
    .map((p) => ({
      productId: p.productId,
      name: p.name,
      category: p.category,
      views: p.views,
      addToCarts: p.addToCarts,
      units: p.units,
      revenueCents: p.revenueCents,
      revenue: formatCents(p.revenueCents),
    }));
}

/** Every known device type (zeros included, in contract order), then any other type in the data. */
export function exactDevices(digest: DigestTotals): DeviceTotal[] {
  const types = [...DEVICE_TYPES, ...[...digest.devices.keys()].filter((t) => !(DEVICE_TYPES as readonly string[]).includes(t)).sort()];
  return types.map((deviceType) => {
    const d = digest.devices.get(deviceType);
    const revenueCents = d?.revenueCents ?? 0;
    return {
      deviceType,
      events: d?.events ?? 0,
      orders: d?.orders ?? 0,
      revenueCents,
      revenue: formatCents(revenueCents),
      eventShare: shareOf(d?.events ?? 0, digest.events),
    };
  });
}

export interface ExactFunnelStep extends FunnelStep {
  /** What the stage counts, in words. */
  counts: string;
}

/** The stage names of the hourly funnel table; each counts distinct sessions of the range. */
export const EXACT_FUNNEL_STAGES = [
  { stage: 'viewed', flag: VIEWED_PRODUCT, counts: 'distinct sessions that viewed a product page (a page_view with a product)' },
  { stage: 'added_to_cart', flag: ADDED_TO_CART, counts: 'distinct sessions that added to cart' },
  { stage: 'purchased', flag: PURCHASED, counts: 'distinct sessions that purchased' },
] as const;

export function exactFunnel(digest: DigestTotals): ExactFunnelStep[] {
  const counts = EXACT_FUNNEL_STAGES.map((s) => digest.sessionsWith.get(s.flag) ?? 0);
  return EXACT_FUNNEL_STAGES.map((s, i) => ({
    stage: s.stage,
    counts: s.counts,
    sessions: counts[i],
    shareOfFirst: shareOf(counts[i], counts[0]),
    shareOfPrevious: i === 0 ? null : shareOf(counts[i], counts[i - 1]),
  }));
}

export function isoRange(range: TimeRange): { from: string; to: string } {
  return { from: iso(range.fromMs), to: iso(range.toMs) };
}
