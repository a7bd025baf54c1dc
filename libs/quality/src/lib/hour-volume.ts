import { runDatasetRules } from './dataset-evaluator';
import { buildReport, type QualityReport } from './quality-report';
import type { DatasetRule } from './rule.types';

export interface HourVolume {
  /** Events stored in the hour. */
  rows: number;
  /** Events stored in each of the hours before it, oldest first. */
  trailingHourCounts: readonly number[];
  nowMs: number;
}

/**
 * An hour's report with its volume rules judged on the whole hour. A batch cannot judge volume (it is a slice of an
 * hour, and has no trailing hours), so its volume rules are `skipped`; once the hour's batches are merged, the hour's
 * stored count against the trailing hours' counts decides them. Rules of other kinds are left as merged.
 */
export function withHourVolume(report: QualityReport, rules: readonly DatasetRule[], volume: HourVolume): QualityReport {
  const volumeRules = rules.filter((rule) => rule.kind === 'volume');
  if (volumeRules.length === 0) return report;
  // Volume rules read only the row count: a dataset of that size without columns is all they need.
  const hour = { size: volume.rows, column: () => undefined };
  const judged = new Map(
    runDatasetRules(volumeRules, hour, { nowMs: volume.nowMs, trailingHourCounts: volume.trailingHourCounts }).results.map((r) => [r.id, r]),
  );
  const judgedRules = report.rules.map((rule) => judged.get(rule.id) ?? rule);
  for (const [id, result] of judged) if (!report.rules.some((rule) => rule.id === id)) judgedRules.push(result);
  return buildReport({
    scope: report.scope,
    window: report.window,
    generatedAtMs: Date.parse(report.generatedAt),
    rowsEvaluated: report.summary.rowsEvaluated,
    rowsValid: report.summary.rowsValid,
    rules: judgedRules,
  });
}
