import type { ShopEvent } from '@pipeline/events';
import { datasetFromEvents } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { compileRecordRules, failureReasons, hasBlockingFailure, type CompiledRecordRules } from './record-evaluator';
import type { QualityReport } from './quality-report';
import { QualityTally } from './quality-tally';
import type { DatasetContext, DatasetRule, RecordRule } from './rule.types';

export interface BatchCheck {
  report: QualityReport;
  /** Events without an error failure and not flagged by an error dataset rule (e.g. not a duplicate). */
  kept: ShopEvent[];
  /** Events an error rule rejected, with their failures in the report's terms. */
  rejected: { event: ShopEvent; reasons: string[] }[];
}

/**
 * The whole validation step over typed events held in memory (a backfill, a test, a replay): record rules,
 * then dataset rules over the kept events. The streaming processor does the same steps itself with
 * QualityTally so it can route each message as it goes.
 */
export function checkBatch(
  rules: { record: CompiledRecordRules | readonly RecordRule[]; dataset: readonly DatasetRule[] },
  events: readonly ShopEvent[],
  context: DatasetContext,
  options: { sampleLimit?: number } = {},
): BatchCheck {
  const compiled = 'byEventType' in rules.record ? rules.record : compileRecordRules(rules.record);
  const tally = new QualityTally(compiled, context, options);
  const survivors: ShopEvent[] = [];
  const rejected: BatchCheck['rejected'] = [];
  for (const event of events) {
    const failures = tally.evaluate(event);
    if (hasBlockingFailure(failures)) {
      rejected.push({ event, reasons: failureReasons(failures) });
    } else {
      survivors.push(event);
    }
  }
  const dataset = runDatasetRules(rules.dataset, datasetFromEvents(survivors), context, options);
  const blocking = new Set(dataset.blockingRows);
  return {
    report: tally.toReport({ dataset }),
    kept: survivors.filter((_, row) => !blocking.has(row)),
    rejected,
  };
}
