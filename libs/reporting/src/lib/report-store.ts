import { listHourPartitions, readMetricRange, type MetricTableName, type StorageBackend } from '@pipeline/storage';
import { readQualityReports } from '@pipeline/ingest';
import {
  combineSummaries,
  deviceTotals,
  funnelSteps,
  hourlySeries,
  qualityOverview,
  topProducts,
  type DeviceTotal,
  type FunnelStep,
  type HourlyPoint,
  type ProductTotal,
  type QualityOverview,
  type Summary,
} from './range-aggregation';
import { ceilToHour, resolveTimeRange, type RangeRequest, type TimeRange } from './time-range';

/** Everything the charts and the dashboard show for one range. */
export interface ReportSnapshot {
  range: TimeRange;
  summary: Summary;
  hourly: HourlyPoint[];
  products: ProductTotal[];
  devices: DeviceTotal[];
  funnel: FunnelStep[];
  quality: QualityOverview;
}

export const DEFAULT_PRODUCT_LIMIT = 10;

/**
 * Read side of the stored metrics and quality reports: each call reads the files of its range afresh,
 * so answers follow the processor's rewrites without any invalidation.
 */
export class ReportStore {
  constructor(
    private readonly backend: StorageBackend,
    private readonly clock: () => number = Date.now,
  ) {}

  /** End of the newest hour with a summary table; the current hour's end when nothing is stored yet. */
  async latestDataEndMs(): Promise<number> {
    const hours = await listHourPartitions(this.backend, 'metrics/summary');
    const newest = hours[hours.length - 1];
    return newest ? newest.endMs : ceilToHour(this.clock() + 1);
  }

  /** See resolveTimeRange: the latest stored hour anchors a request that gives no end. */
  async resolveRange(request: RangeRequest = {}, defaultSpanMs?: number): Promise<TimeRange> {
    const needsAnchor = request.fromMs === undefined && request.toMs === undefined;
    const latest = needsAnchor ? await this.latestDataEndMs() : 0;
    return resolveTimeRange(request, latest, defaultSpanMs);
  }

  async summary(range: TimeRange): Promise<Summary> {
    const [summaryRows, byTypeRows, quality] = await Promise.all([
      readMetricRange(this.backend, 'summary', range.fromMs, range.toMs),
      readMetricRange(this.backend, 'events_by_type', range.fromMs, range.toMs),
      readQualityReports(this.backend, range.fromMs, range.toMs),
    ]);
    return combineSummaries(summaryRows, byTypeRows, range, quality.reports);
  }

  async hourly(range: TimeRange): Promise<HourlyPoint[]> {
    return hourlySeries(await readMetricRange(this.backend, 'summary', range.fromMs, range.toMs), range);
  }

  async topProducts(range: TimeRange, limit = DEFAULT_PRODUCT_LIMIT): Promise<ProductTotal[]> {
    return topProducts(await readMetricRange(this.backend, 'products', range.fromMs, range.toMs), limit);
  }

  async devices(range: TimeRange): Promise<DeviceTotal[]> {
    return deviceTotals(await readMetricRange(this.backend, 'devices', range.fromMs, range.toMs));
  }

  async funnel(range: TimeRange): Promise<FunnelStep[]> {
    return funnelSteps(await readMetricRange(this.backend, 'funnel', range.fromMs, range.toMs));
  }

  async quality(range: TimeRange): Promise<QualityOverview> {
    const { reports, unreadable } = await readQualityReports(this.backend, range.fromMs, range.toMs);
    return qualityOverview(reports, range, unreadable.map((u) => u.hour));
  }

  /** All figures of a range, reading each table once. */
  async snapshot(range: TimeRange, productLimit = DEFAULT_PRODUCT_LIMIT): Promise<ReportSnapshot> {
    const read = (table: MetricTableName) => readMetricRange(this.backend, table, range.fromMs, range.toMs);
    const [summaryRows, byTypeRows, productRows, deviceRows, funnelRows, quality] = await Promise.all([
      read('summary'),
      read('events_by_type'),
      read('products'),
      read('devices'),
      read('funnel'),
      readQualityReports(this.backend, range.fromMs, range.toMs),
    ]);
    return {
      range,
      summary: combineSummaries(summaryRows, byTypeRows, range, quality.reports),
      hourly: hourlySeries(summaryRows, range),
      products: topProducts(productRows, productLimit),
      devices: deviceTotals(deviceRows),
      funnel: funnelSteps(funnelRows),
      quality: qualityOverview(quality.reports, range, quality.unreadable.map((u) => u.hour)),
    };
  }
}
