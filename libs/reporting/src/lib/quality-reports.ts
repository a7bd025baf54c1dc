import type { QualityReport } from '@pipeline/quality';
import { hourlyQualityReportKey, PartitionPath, QUALITY_DATASET, type StorageBackend } from '@pipeline/storage';

/**
 * Reads the hourly quality reports the processor rolls up (`quality/<hour partition>/quality-report.json`,
 * see @pipeline/storage); the per-batch reports beside them are not read.
 */

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

/** The hours that have a report and overlap [fromMs, toMs), sorted. */
export async function listQualityHours(backend: StorageBackend, fromMs?: number, toMs?: number): Promise<PartitionPath[]> {
  const hours = new Map<number, PartitionPath>();
  for (const key of await backend.list(QUALITY_DATASET)) {
    const hour = PartitionPath.tryParse(key);
    if (!hour || hourlyQualityReportKey(hour, 'json') !== key) continue;
    if (fromMs !== undefined && hour.endMs <= fromMs) continue;
    if (toMs !== undefined && hour.startMs >= toMs) continue;
    hours.set(hour.startMs, hour);
  }
  return [...hours.values()].sort(PartitionPath.compare);
}

/**
 * Reads the hourly reports of a range. Hours without a report are simply absent (the processor may not
 * have written one yet); a report that vanished between listing and reading counts as absent too.
 */
export async function readQualityReports(backend: StorageBackend, fromMs: number, toMs: number): Promise<QualityReadResult> {
  const result: QualityReadResult = { reports: [], unreadable: [] };
  for (const hour of await listQualityHours(backend, fromMs, toMs)) {
    let bytes: Buffer;
    try {
      bytes = await backend.read(hourlyQualityReportKey(hour, 'json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    try {
      result.reports.push({ hour: hour.toIsoString(), report: parseQualityReport(bytes.toString('utf8')) });
    } catch (error) {
      result.unreadable.push({ hour: hour.toIsoString(), error: (error as Error).message });
    }
  }
  return result;
}

/** JSON text to a QualityReport, checking the fields the reporter relies on (the file comes from another process). */
export function parseQualityReport(text: string): QualityReport {
  const value: unknown = JSON.parse(text);
  const problem = qualityReportProblem(value);
  if (problem) throw new Error(`not a quality report: ${problem}`);
  return value as QualityReport;
}

function qualityReportProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not an object';
  const summary = value['summary'];
  if (!isRecord(summary)) return 'summary missing';
  for (const field of ['qualityScore', 'checksPassed', 'checksTotal', 'rowsEvaluated', 'rowsValid', 'validShare', 'rowWeightedScore']) {
    if (typeof summary[field] !== 'number' || !Number.isFinite(summary[field])) return `summary.${field} is not a number`;
  }
  if (typeof summary['qualityScoreLabel'] !== 'string') return 'summary.qualityScoreLabel is not text';
  if (typeof value['generatedAt'] !== 'string') return 'generatedAt is not text';
  if (!isRecord(value['window'])) return 'window missing';
  const rules = value['rules'];
  if (!Array.isArray(rules)) return 'rules is not a list';
  for (const rule of rules) {
    if (!isRecord(rule) || typeof rule['id'] !== 'string' || typeof rule['status'] !== 'string') return 'a rule has no id or status';
    if (typeof rule['evaluated'] !== 'number' || typeof rule['failed'] !== 'number') return `rule ${String(rule['id'])} has no counts`;
    if (!isRecord(rule['threshold'])) return `rule ${String(rule['id'])} has no threshold`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
