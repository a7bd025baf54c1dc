import { mergeReports, reportToCsv, reportToJson, type QualityReport } from '@pipeline/quality';
import { listingChanged } from './metrics-rollup';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { hourFolderKey } from './storage-layout';

export const QUALITY_DATASET = 'quality';
export const HOURLY_QUALITY_REPORT = 'quality-report';

/**
 * `quality/year=.../hour=HH/batches/<topic>+<partition>+<firstOffset>.json`. The hour is that of the batch's first
 * Kafka message timestamp, which a replay sees again, so a replayed batch overwrites its own report.
 */
export function qualityBatchReportKey(hour: PartitionPath, stem: string): string {
  return `${hourFolderKey(QUALITY_DATASET, hour)}/batches/${stem}.json`;
}

export function hourlyQualityReportKey(hour: PartitionPath, format: 'json' | 'csv'): string {
  return `${hourFolderKey(QUALITY_DATASET, hour)}/${HOURLY_QUALITY_REPORT}.${format}`;
}

export async function writeQualityBatchReport(
  backend: StorageBackend,
  hour: PartitionPath,
  stem: string,
  report: QualityReport,
): Promise<string> {
  const key = qualityBatchReportKey(hour, stem);
  await backend.writeAtomic(key, Buffer.from(reportToJson(report), 'utf8'));
  return key;
}

/** Recomputes an hour's quality report from its batch reports on storage (idempotent, like the metric rollup). */
export async function rollupQualityHour(backend: StorageBackend, hour: PartitionPath): Promise<QualityReport | null> {
  return (await rollupQualityHourChecked(backend, hour)).report;
}

/** rollupQualityHour, also telling whether the batch reports changed while it ran (then run it again). */
export async function rollupQualityHourChecked(
  backend: StorageBackend,
  hour: PartitionPath,
): Promise<{ report: QualityReport | null; superseded: boolean }> {
  const prefix = `${hourFolderKey(QUALITY_DATASET, hour)}/batches`;
  const keys = (await backend.list(prefix)).filter((k) => k.endsWith('.json')).sort();
  if (keys.length === 0) return { report: null, superseded: await listingChanged(backend, prefix, keys, '.json') };
  const reports: QualityReport[] = [];
  for (const key of keys) reports.push(JSON.parse((await backend.read(key)).toString('utf8')) as QualityReport);
  const merged = mergeReports(reports, { scope: 'hour' });
  await backend.writeAtomic(hourlyQualityReportKey(hour, 'json'), Buffer.from(reportToJson(merged), 'utf8'));
  await backend.writeAtomic(hourlyQualityReportKey(hour, 'csv'), Buffer.from(reportToCsv(merged), 'utf8'));
  return { report: merged, superseded: await listingChanged(backend, prefix, keys, '.json') };
}

export async function readHourlyQualityReport(backend: StorageBackend, hour: PartitionPath): Promise<QualityReport | null> {
  const key = hourlyQualityReportKey(hour, 'json');
  if (!(await backend.exists(key))) return null;
  return JSON.parse((await backend.read(key)).toString('utf8')) as QualityReport;
}
