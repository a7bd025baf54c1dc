import {
  mergeReports,
  parseQualityReport,
  REPORT_CSV_COLUMNS,
  reportCsvRows,
  reportToJson,
  withHourVolume,
  type DatasetRule,
  type QualityReport,
} from '@pipeline/quality';
import {
  hourFolderKey,
  hourlyQualityReportKey,
  listHourPartitions,
  listingChanged,
  PartitionPath,
  QUALITY_DATASET,
  qualityBatchReportKey,
  readIfExists,
  readMetricTable,
  toCsv,
  type StorageBackend,
} from '@pipeline/storage';

/**
 * Quality reports on storage, the one place that writes and reads them: the processor (and the backfill) write a
 * report per chunk under `quality/<hour>/batches/` and roll each hour up into `quality/<hour>/quality-report.json|csv`;
 * the reporter reads the hourly ones.
 */

/** Hours before an hour whose stored counts are the volume rule's baseline. */
export const VOLUME_TRAILING_HOURS = 24;
const HOUR_MS = 3_600_000;

export async function writeQualityBatchReport(backend: StorageBackend, hour: PartitionPath, stem: string, report: QualityReport): Promise<string> {
  const key = qualityBatchReportKey(hour, stem);
  await backend.writeAtomic(key, Buffer.from(reportToJson(report), 'utf8'));
  return key;
}

export interface QualityRollupOptions {
  /**
   * The dataset rules the batches ran: their volume rules are judged again on the whole hour (stored events against
   * the trailing hours' stored events, from the summary tables), which no batch alone can do.
   */
  datasetRules?: readonly DatasetRule[];
}

/**
 * Recomputes an hour's quality report from its batch reports on storage (idempotent, like the metric rollup), and
 * tells whether the batch reports changed while it ran (another instance wrote one: run it again).
 */
export async function rollupQualityHour(
  backend: StorageBackend,
  hour: PartitionPath,
  options: QualityRollupOptions = {},
): Promise<{ report: QualityReport | null; superseded: boolean }> {
  const prefix = `${hourFolderKey(QUALITY_DATASET, hour)}/batches`;
  const keys = (await backend.list(prefix)).filter((k) => k.endsWith('.json')).sort();
  if (keys.length === 0) return { report: null, superseded: await listingChanged(backend, prefix, keys, '.json') };
  const reports: QualityReport[] = [];
  for (const key of keys) reports.push(JSON.parse((await backend.read(key)).toString('utf8')) as QualityReport);
  let merged = mergeReports(reports, { scope: 'hour' });
  if (options.datasetRules) {
    merged = withHourVolume(merged, options.datasetRules, { ...(await storedHourVolume(backend, hour)), nowMs: Date.parse(merged.generatedAt) });
  }
  await backend.writeAtomic(hourlyQualityReportKey(hour, 'json'), Buffer.from(reportToJson(merged), 'utf8'));
  await backend.writeAtomic(hourlyQualityReportKey(hour, 'csv'), Buffer.from(toCsv(REPORT_CSV_COLUMNS, reportCsvRows(merged)), 'utf8'));
  return { report: merged, superseded: await listingChanged(backend, prefix, keys, '.json') };
}

/** Events stored in an hour and in each stored hour of the VOLUME_TRAILING_HOURS before it, from the summary tables. */
export async function storedHourVolume(backend: StorageBackend, hour: PartitionPath): Promise<{ rows: number; trailingHourCounts: number[] }> {
  const eventsIn = async (h: PartitionPath) => (await readMetricTable(backend, 'summary', h)).reduce((n, row) => n + Number(row['events']), 0);
  const trailing = await listHourPartitions(backend, 'metrics/summary', hour.startMs - VOLUME_TRAILING_HOURS * HOUR_MS, hour.startMs);
  const trailingHourCounts: number[] = [];
  for (const h of trailing) trailingHourCounts.push(await eventsIn(h));
  return { rows: await eventsIn(hour), trailingHourCounts };
}

/** The hours that have a rolled-up report and overlap [fromMs, toMs), sorted. */
export function listQualityHours(backend: StorageBackend, fromMs?: number, toMs?: number): Promise<PartitionPath[]> {
  return listHourPartitions(backend, QUALITY_DATASET, fromMs, toMs, (key, hour) => key === hourlyQualityReportKey(hour, 'json'));
}

/** An hour's rolled-up report; null when it has none (not written yet, or removed meanwhile). */
export async function readHourlyQualityReport(backend: StorageBackend, hour: PartitionPath): Promise<QualityReport | null> {
  const bytes = await readIfExists(backend, hourlyQualityReportKey(hour, 'json'));
  return bytes ? parseQualityReport(bytes.toString('utf8')) : null;
}

export interface HourlyQualityReport {
  /** ISO start of the hour. */
  hour: string;
  report: QualityReport;
}

export interface QualityReadResult {
  reports: HourlyQualityReport[];
  /** Hours whose report exists but could not be read; left out of the figures rather than failing the request. */
  unreadable: { hour: string; error: string }[];
}

/**
 * The hourly reports of a range. Hours without a report are simply absent (the processor may not have written one
 * yet); a report that vanished between listing and reading counts as absent too.
 */
export async function readQualityReports(backend: StorageBackend, fromMs: number, toMs: number): Promise<QualityReadResult> {
  const result: QualityReadResult = { reports: [], unreadable: [] };
  for (const hour of await listQualityHours(backend, fromMs, toMs)) {
    const bytes = await readIfExists(backend, hourlyQualityReportKey(hour, 'json'));
    if (!bytes) continue;
    try {
      result.reports.push({ hour: hour.toIsoString(), report: parseQualityReport(bytes.toString('utf8')) });
    } catch (error) {
      result.unreadable.push({ hour: hour.toIsoString(), error: (error as Error).message });
    }
  }
  return result;
}
