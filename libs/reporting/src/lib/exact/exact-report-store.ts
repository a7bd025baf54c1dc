import { readQualityReports } from '@pipeline/ingest';
import { qualityOverview, type DeviceTotal, type ProductTotal, type QualityOverview } from '../range-aggregation';
import type { ReportSnapshot } from '../report-store';
import { ceilToHour, DAY_MS, HOUR_MS, resolveTimeRange, type RangeRequest, type TimeRange } from '../time-range';
import type { DuckDbWindowReader, MinutePoint } from './duckdb-window-reader';
import type { EventLake } from './event-lake';
import {
  exactDevices,
  exactFunnel,
  exactHourly,
  exactSummary,
  exactTopProducts,
  isoRange,
  type ExactFunnelStep,
  type ExactHourlyPoint,
  type ExactSummary,
} from './exact-figures';
import { ExactRangeEngine } from './exact-range-engine';

export const MINUTE_MS = 60_000;
/** Events dated further than this after the reporter's clock are strays (the quality rules' clock skew). */
export const FUTURE_SKEW_MS = 5 * MINUTE_MS;
/** Data newer than this (by its newest event) opens on the live view: the last hour, by minute. */
export const LIVE_DATA_AGE_MS = 3 * HOUR_MS;
export const LIVE_RANGE_MS = HOUR_MS;
/** The hourly history shown next to the live view. */
export const HISTORY_RANGE_MS = DAY_MS;

export const DEFAULT_TOP_PRODUCTS = 10;

export interface DefaultRange {
  range: TimeRange;
  /** True when the data is recent: the range is the last hour up to the newest event. */
  live: boolean;
  /** Newest stored event not dated in the future (now + FUTURE_SKEW_MS); null when there is none. */
  newestEventMs: number | null;
}

export interface ResolvedRange extends DefaultRange {
  /** True when the request gave neither from nor to. */
  isDefault: boolean;
}

export interface MinuteSeries {
  from: string;
  to: string;
  /** Every minute of [from, to), zeros included. */
  points: { minute: string; events: number; orders: number; revenueCents: number }[];
}

/** One dashboard view: every figure from one listing of the lake, so tiles and charts always agree. */
export interface DashboardSnapshot {
  from: string;
  to: string;
  live: boolean;
  defaultRange: boolean;
  generatedAt: string;
  dataVersion: string;
  freshness: { newestEventTime: string | null; ageMs: number | null };
  summary: ExactSummary;
  /** The range's last hour (at most), by minute. */
  minutes: MinuteSeries;
  /** The 24 hours up to the end of the range's last hour, by hour (the range itself when longer). */
  history: { from: string; to: string; points: ExactHourlyPoint[] };
  products: ProductTotal[];
  devices: DeviceTotal[];
  funnel: ExactFunnelStep[];
  /** Quality reports of the history's hours. */
  quality: QualityOverview;
}

/**
 * Read side of the reporter: exact range answers from the raw events (ExactRangeEngine) and the hourly
 * quality reports. Framework-free; the app wires it to HTTP.
 */
export class ExactReportStore {
  readonly engine: ExactRangeEngine;

  constructor(
    readonly lake: EventLake,
    readonly reader: DuckDbWindowReader,
    private readonly clock: () => number = Date.now,
  ) {
    this.engine = new ExactRangeEngine(lake, reader);
  }

  /**
   * The newest stored event that is not dated after now + FUTURE_SKEW_MS: stray future-dated events must not
   * pull the default range away from the data. Reads the newest hour folders that can hold such an event.
   */
  async newestEventMs(): Promise<number | null> {
    const horizon = this.clock() + FUTURE_SKEW_MS;
    for (const hour of await this.lake.newestHourBefore(horizon)) {
      // The hour's digest (cached, and only new files read when the processor adds some) knows its newest event;
      // only when that one lies beyond the horizon (a stray in the current hour) are the files asked directly.
      const { total, listing } = await this.engine.rangeDigests({ fromMs: hour.startMs, toMs: hour.endMs });
      if (total.newestEventMs !== null && total.newestEventMs < horizon) return total.newestEventMs;
      if (total.newestEventMs === null) continue;
      const newest = await this.reader.newestEventBefore(await this.lake.localPaths(listing.filesOf(hour.startMs)), horizon);
      if (newest !== null) return newest;
    }
    return null;
  }

  /** The range a request without from/to gets: it follows the data (see LIVE_DATA_AGE_MS). */
  async defaultRange(): Promise<DefaultRange> {
    const now = this.clock();
    const newest = await this.newestEventMs();
    if (newest === null) {
      const end = ceilToHour(now + 1);
      return { range: { fromMs: end - DAY_MS, toMs: end }, live: false, newestEventMs: null };
    }
    if (now - newest <= LIVE_DATA_AGE_MS) {
      const end = Math.floor(newest / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      return { range: { fromMs: end - LIVE_RANGE_MS, toMs: end }, live: true, newestEventMs: newest };
    }
    const end = ceilToHour(newest + 1);
    return { range: { fromMs: end - DAY_MS, toMs: end }, live: false, newestEventMs: newest };
  }

  /** Both ends: as given. One end: 24 hours from or up to it. Neither: the default range. */
  async resolveRange(request: RangeRequest = {}): Promise<ResolvedRange> {
    if (request.fromMs === undefined && request.toMs === undefined) return { ...(await this.defaultRange()), isDefault: true };
    return { range: resolveTimeRange(request, 0), live: false, newestEventMs: null, isDefault: false };
  }

  async summary(range: TimeRange): Promise<ExactSummary> {
    const [digests, quality] = await Promise.all([this.engine.rangeDigests(range), readQualityReports(this.lake.backend, range.fromMs, range.toMs)]);
    return exactSummary(digests, quality.reports);
  }

  async hourly(range: TimeRange): Promise<ExactHourlyPoint[]> {
    return exactHourly((await this.engine.rangeDigests(range)).hours);
  }

  async topProducts(range: TimeRange, limit = DEFAULT_TOP_PRODUCTS): Promise<ProductTotal[]> {
    return exactTopProducts((await this.engine.rangeDigests(range)).total, limit);
  }

  async devices(range: TimeRange): Promise<DeviceTotal[]> {
    return exactDevices((await this.engine.rangeDigests(range)).total);
  }

  async funnel(range: TimeRange): Promise<ExactFunnelStep[]> {
    return exactFunnel((await this.engine.rangeDigests(range)).total);
  }

  async quality(range: TimeRange): Promise<QualityOverview> {
    const { reports, unreadable } = await readQualityReports(this.lake.backend, range.fromMs, range.toMs);
    return qualityOverview(reports, range, unreadable.map((u) => u.hour));
  }

  /** The figures the PNG charts draw, all from one listing of the lake. */
  async snapshot(range: TimeRange, productLimit = DEFAULT_TOP_PRODUCTS): Promise<ReportSnapshot> {
    const [digests, quality] = await Promise.all([this.engine.rangeDigests(range), readQualityReports(this.lake.backend, range.fromMs, range.toMs)]);
    return {
      range,
      summary: exactSummary(digests, quality.reports),
      hourly: exactHourly(digests.hours),
      products: exactTopProducts(digests.total, productLimit),
      devices: exactDevices(digests.total),
      funnel: exactFunnel(digests.total),
      quality: qualityOverview(quality.reports, range, quality.unreadable.map((u) => u.hour)),
    };
  }

  /** One dashboard view (see DashboardSnapshot). */
  async dashboard(resolved: ResolvedRange, productLimit = DEFAULT_TOP_PRODUCTS): Promise<DashboardSnapshot> {
    const { range } = resolved;
    const minuteRange = {
      fromMs: Math.floor(Math.max(range.fromMs, range.toMs - LIVE_RANGE_MS) / MINUTE_MS) * MINUTE_MS,
      toMs: range.toMs,
    };
    const historyEnd = ceilToHour(range.toMs);
    const historyRange = { fromMs: Math.min(range.fromMs, historyEnd - HISTORY_RANGE_MS), toMs: historyEnd };
    historyRange.fromMs = Math.floor(historyRange.fromMs / HOUR_MS) * HOUR_MS;
    const listing = await this.engine.listFor([range, historyRange]);
    const [digests, history, minutes, quality] = await Promise.all([
      this.engine.rangeDigests(range, listing),
      this.engine.rangeDigests(historyRange, listing),
      this.engine.minutes(minuteRange, listing),
      readQualityReports(this.lake.backend, historyRange.fromMs, historyRange.toMs),
    ]);
    const rangeQuality = quality.reports.filter((r) => {
      const start = Date.parse(r.hour);
      return start + HOUR_MS > range.fromMs && start < range.toMs;
    });
    const summary = exactSummary(digests, rangeQuality);
    const newest = resolved.newestEventMs ?? history.total.newestEventMs;
    const now = this.clock();
    return {
      ...isoRange(range),
      live: resolved.live,
      defaultRange: resolved.isDefault,
      generatedAt: new Date(now).toISOString(),
      dataVersion: listing.version,
      freshness: { newestEventTime: newest === null ? null : new Date(newest).toISOString(), ageMs: newest === null ? null : Math.max(0, now - newest) },
      summary,
      minutes: minuteSeries(resolved.live && resolved.isDefault ? startAtFirstData(minuteRange, minutes) : minuteRange, minutes),
      history: { ...isoRange(historyRange), points: exactHourly(history.hours) },
      products: exactTopProducts(digests.total, productLimit),
      devices: exactDevices(digests.total),
      funnel: exactFunnel(digests.total),
      quality: qualityOverview(quality.reports, historyRange, quality.unreadable.map((u) => u.hour)),
    };
  }

  close(): void {
    this.reader.close();
  }
}

/** The shortest live minute chart: a pipeline started a minute ago shows 15 bars, not one sliver in an hour. */
export const LIVE_MINUTES_MIN_SPAN_MS = 15 * MINUTE_MS;

/**
 * The live default view's minute chart starts at its first minute with data (an hour of empty minutes before a
 * fresh start says nothing), but spans at least LIVE_MINUTES_MIN_SPAN_MS and never more than the range.
 */
export function startAtFirstData(range: TimeRange, points: readonly MinutePoint[]): TimeRange {
  const first = points.reduce((min, p) => Math.min(min, p.minuteMs), Number.POSITIVE_INFINITY);
  const latestStart = Math.floor((range.toMs - LIVE_MINUTES_MIN_SPAN_MS) / MINUTE_MS) * MINUTE_MS;
  return { fromMs: Math.max(range.fromMs, Math.min(first, latestStart)), toMs: range.toMs };
}

function minuteSeries(range: TimeRange, points: readonly MinutePoint[]): MinuteSeries {
  return { ...isoRange(range), points: fillMinutes(range, points) };
}

function fillMinutes(range: TimeRange, points: readonly MinutePoint[]): MinuteSeries['points'] {
  const byMinute = new Map(points.map((p) => [p.minuteMs, p]));
  const out: MinuteSeries['points'] = [];
  for (let m = range.fromMs; m < range.toMs; m += MINUTE_MS) {
    const p = byMinute.get(m);
    out.push({ minute: new Date(m).toISOString(), events: p?.events ?? 0, orders: p?.orders ?? 0, revenueCents: p?.revenueCents ?? 0 });
  }
  return out;
}

