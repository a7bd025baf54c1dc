import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { contractViolationReasons } from './contract-rejections';
import { datasetFromEvents } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { compileRecordRules, failureReasons, hasBlockingFailure, type CompiledRecordRules } from './record-evaluator';
import type { QualityReport } from './quality-report';
import { QualityTally } from './quality-tally';
import type { RuleSet } from './rule.types';
import { HOUR_MS, HourlySeenIds } from './seen-ids';

export interface GateMessage {
  value: Buffer | null;
  /** Where the message came from, e.g. `ecommerce.events/1@20417`: the sample id when it has no event_id. */
  ref: string;
}

export interface GateRejection {
  /** Index of the message in the checked list. */
  index: number;
  /** The DLQ reason: a contract reason (invalid_json, schema_violation, ...), `quality_rule` or `dataset_rule`. */
  reason: string;
  details: string[];
}

export interface GateResult {
  kept: ShopEvent[];
  rejected: GateRejection[];
  report: QualityReport;
}

export interface MessageGateOptions {
  now?: () => number;
  /** Hours of event ids kept for cross-batch duplicate detection. Default 2 (the current and the previous hour). */
  retainedHours?: number;
}

/**
 * The processor's validation step for raw Kafka messages: the event contract (decodeEvent), then the record
 * rules, then the dataset rules over what survived (duplicates within the batch and against earlier batches
 * of the same hour). Every message is either kept or rejected with a reason, and the batch's QualityReport
 * counts both. Ids enter the cross-batch memory through `commit`, after the batch is durable; until then they
 * are in flight, and `abort` releases them, so a batch that is retried is never flagged as a duplicate of itself.
 */
export class MessageQualityGate {
  private readonly compiled: CompiledRecordRules;
  private readonly seen = new HourlySeenIds();
  /**
   * Ids of kept events whose chunk is not committed yet. Partitions are processed concurrently, so a copy of
   * an event may be checked while its original's chunk is still being written: without this, both would pass.
   */
  private readonly inFlight = new Set<string>();
  private readonly now: () => number;
  private readonly retainedHours: number;

  constructor(
    private readonly ruleSet: RuleSet,
    options: MessageGateOptions = {},
  ) {
    this.compiled = compileRecordRules(ruleSet.record);
    this.now = options.now ?? Date.now;
    this.retainedHours = options.retainedHours ?? 2;
  }

  check(messages: readonly GateMessage[]): GateResult {
    const nowMs = this.now();
    const tally = new QualityTally(this.compiled, { nowMs });
    const survivors: ShopEvent[] = [];
    const survivorIndex: number[] = [];
    const rejected: GateRejection[] = [];
    messages.forEach((message, index) => {
      try {
        this.checkOne(message, index, tally, survivors, survivorIndex, rejected);
      } catch (error) {
        // A rule tripping over one odd message refuses that message, never the batch (and never stops the consumer).
        rejected.push({ index, reason: 'processing_error', details: [`quality check failed: ${describeError(error)}`] });
      }
    });

    const dataset = runDatasetRules(this.ruleSet.dataset, datasetFromEvents(survivors), { nowMs, seenIds: this.seen });
    const blocking = new Set(dataset.blockingRows);
    const failedErrorRules = dataset.results
      .filter((r) => r.severity === 'error' && r.failed > 0)
      .map((r) => `${r.id}: ${r.description}`);
    const kept: ShopEvent[] = [];
    survivors.forEach((event, row) => {
      if (blocking.has(row)) {
        rejected.push({ index: survivorIndex[row], reason: 'dataset_rule', details: failedErrorRules });
      } else if (this.inFlight.has(event.event_id)) {
        rejected.push({
          index: survivorIndex[row],
          reason: 'dataset_rule',
          details: ['unique_event_id: event_id duplicates an event being stored by another partition'],
        });
      } else {
        this.inFlight.add(event.event_id);
        kept.push(event);
      }
    });
    rejected.sort((a, b) => a.index - b.index);
    return { kept, rejected, report: tally.toReport({ dataset }) };
  }

  private checkOne(
    message: GateMessage,
    index: number,
    tally: QualityTally,
    survivors: ShopEvent[],
    survivorIndex: number[],
    rejected: GateRejection[],
  ): void {
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) {
      const violations = tally.addContractRejection(decoded, { candidate: parseQuietly(message.value), ref: message.ref });
      const reasons = contractViolationReasons(violations);
      rejected.push({ index, reason: decoded.reason, details: reasons.length > 0 ? reasons : decoded.details });
      return;
    }
    const failures = tally.evaluate(decoded.event);
    if (hasBlockingFailure(failures)) {
      rejected.push({ index, reason: 'quality_rule', details: failureReasons(failures) });
      return;
    }
    survivors.push(decoded.event);
    survivorIndex.push(index);
  }

  /** Call once the kept events are durable: later batches of the same hours will see them as already stored. */
  commit(kept: readonly ShopEvent[]): void {
    this.seen.recordEvents(kept);
    for (const event of kept) this.inFlight.delete(event.event_id);
    this.seen.evictBefore(this.now() - this.retainedHours * HOUR_MS);
  }

  /** Call when a checked chunk was not stored (it will be redelivered): its events are not duplicates of themselves. */
  abort(kept: readonly ShopEvent[]): void {
    for (const event of kept) this.inFlight.delete(event.event_id);
  }
}

function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);
}

function parseQuietly(value: Buffer | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
