import type { Dataset } from './dataset';
import {
  boundStatus,
  buildReport,
  DEFAULT_SAMPLE_LIMIT,
  passShareOf,
  shareStatus,
  type QualityReport,
  type RuleResult,
} from './quality-report';
import { assertValidRules } from './rule-validation';
import { isShareThreshold, type DatasetContext, type DatasetMeasurement, type DatasetRule } from './rule.types';
import { HOUR_MS } from './seen-ids';

export interface DatasetRun {
  results: RuleResult[];
  /** Rows (ascending) failing an error-severity row-level rule, e.g. duplicates; the caller may drop them. */
  blockingRows: number[];
  /** For each blocking row, the kind of the first error rule that blocked it (e.g. `uniqueness`): the DLQ reason. */
  blockingKinds: Map<number, string>;
}

export interface DatasetRunOptions {
  sampleLimit?: number;
}

/** Runs dataset rules over a batch or an hour. Rules only read: recording ids in SeenIds is the caller's commit step. */
export function runDatasetRules(
  rules: readonly DatasetRule[],
  data: Dataset,
  context: DatasetContext,
  options: DatasetRunOptions = {},
): DatasetRun {
  assertValidRules(rules);
  const sampleLimit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const blocking = new Map<number, string>();
  const results = rules.map((rule) => {
    let measurement: DatasetMeasurement | { error: string };
    try {
      measurement = rule.measure(data, context);
    } catch (error) {
      measurement = { error: error instanceof Error ? error.message : String(error) };
    }
    if ('failedRows' in measurement && rule.severity === 'error') {
      for (const row of measurement.failedRows) if (!blocking.has(row)) blocking.set(row, rule.kind);
    }
    return resultOf(rule, measurement, data, sampleLimit);
  });
  return { results, blockingRows: [...blocking.keys()].sort((a, b) => a - b), blockingKinds: blocking };
}

function resultOf(
  rule: DatasetRule,
  measurement: DatasetMeasurement | { error: string },
  data: Dataset,
  sampleLimit: number,
): RuleResult {
  const base = {
    id: rule.id,
    description: rule.description,
    severity: rule.severity,
    level: 'dataset' as const,
    kind: rule.kind,
    columns: [...rule.columns],
    threshold: rule.threshold,
  };
  const empty = { evaluated: 0, failed: 0, passShare: 1, metricValue: null, samples: [] };
  if ('skipped' in measurement) return { ...base, ...empty, status: 'skipped', note: measurement.skipped };
  if ('error' in measurement) {
    // A broken rule must be visible, not silently green.
    return { ...base, ...empty, status: rule.severity === 'error' ? 'fail' : 'warn', note: `rule threw: ${measurement.error}` };
  }
  if ('failedRows' in measurement) {
    if (!isShareThreshold(rule.threshold)) throw new Error(`rule ${rule.id}: row-level measurement needs a mostly threshold`);
    const failed = measurement.failedRows.length;
    const passShare = passShareOf(measurement.evaluated, failed);
    return {
      ...base,
      evaluated: measurement.evaluated,
      failed,
      passShare,
      status: shareStatus(passShare, rule.threshold.mostly, rule.severity),
      metricValue: null,
      samples: sampleRows(data, measurement.failedRows, sampleLimit),
      note: null,
    };
  }
  if (isShareThreshold(rule.threshold)) throw new Error(`rule ${rule.id}: metric measurement needs a metric bound`);
  const status = boundStatus(measurement.metric, rule.threshold, rule.severity);
  // A dataset-level breach is a breach for every row it describes; keeps the row-weighted score honest.
  const failed = status === 'pass' ? 0 : measurement.evaluated;
  return {
    ...base,
    evaluated: measurement.evaluated,
    failed,
    passShare: passShareOf(measurement.evaluated, failed),
    status,
    metricValue: Number.isFinite(measurement.metric) ? measurement.metric : null,
    samples: [],
    note: null,
  };
}

function sampleRows(data: Dataset, rows: readonly number[], limit: number): string[] {
  const ids = data.column('event_id');
  const samples: string[] = [];
  for (const row of rows) {
    if (samples.length >= limit) break;
    const id = ids?.[row];
    const sample = typeof id === 'string' ? id : `row ${row}`;
    if (!samples.includes(sample)) samples.push(sample);
  }
  return samples;
}

/**
 * The report of an hour read back from storage: dataset rules only (record rules ran at ingest).
 * Every row counts as evaluated; rows flagged by an error-severity row-level rule are invalid.
 */
export function checkHour(
  rules: readonly DatasetRule[],
  data: Dataset,
  context: DatasetContext & { hourStartMs: number },
  options: DatasetRunOptions = {},
): QualityReport {
  const run = runDatasetRules(rules, data, context, options);
  return buildReport({
    scope: 'hour',
    window: {
      start: new Date(context.hourStartMs).toISOString(),
      end: new Date(context.hourStartMs + HOUR_MS).toISOString(),
    },
    generatedAtMs: context.nowMs,
    rowsEvaluated: data.size,
    rowsValid: data.size - run.blockingRows.length,
    rules: run.results,
  });
}
