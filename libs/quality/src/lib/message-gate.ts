import { decodeEvent, eventTimeMillis, type ShopEvent } from '@pipeline/events';
import { contractViolationReasons } from './contract-rejections';
import { datasetFromEvents } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { compileRecordRules, failureReasons, hasBlockingFailure, type CompiledRecordRules } from './record-evaluator';
import type { QualityReport } from './quality-report';
import { QualityTally } from './quality-tally';
import type { RuleSet, StoredEventIds } from './rule.types';
import { HourlySeenIds } from './seen-ids';

export interface GateMessage {
  value: Buffer | null;
  /**
   * Where the message came from, e.g. `ecommerce.events/1@20417`: the sample id when it has no event_id. Only a
   * refused message needs it: a caller may give `check` a `refOf` instead, so a clean batch builds no such strings.
   */
  ref?: string;
  /** When the message reached the pipeline (Kafka timestamp): the reference for "in the future" / "too old". */
  timestampMs?: number;
}

export interface GateRejection {
  /** Index of the message in the checked list. */
  index: number;
  /**
   * The DLQ reason: a contract reason (invalid_json, schema_violation, ...), `quality_rule`, `duplicate_event_id`
   * (the id is already stored, or repeats an earlier message) or `dataset_rule`.
   */
  reason: string;
  details: string[];
}

export interface GateResult {
  kept: ShopEvent[];
  rejected: GateRejection[];
  report: QualityReport;
}

/** What a committed batch wrote (the sink's WrittenBatch): its `.ids` files' bytes let an id index skip re-reading them. */
export interface CommittedBatchFiles {
  files: readonly string[];
  idFiles?: ReadonlyArray<{ key: string; bytes: Buffer }>;
}

/**
 * The ids the lake already holds (DurableEventIdIndex in production). `refresh` brings the hours of the given
 * events up to date before a batch is judged; `recordCommitted` tells it a batch is durable and committed.
 */
export interface StoredEventIdIndex extends StoredEventIds {
  /** `eventTimesMs[i]` is eventTimeMillis(events[i].event_time): the gate has the times already. */
  refresh(events: readonly ShopEvent[], eventTimesMs?: readonly number[]): Promise<void>;
  recordCommitted(events: readonly ShopEvent[], written: CommittedBatchFiles): void;
}

export interface MessageGateOptions {
  now?: () => number;
  /**
   * The stored ids. Default: an in-memory index of what this gate committed, for tests and one-shot runs; it
   * forgets everything on restart, so a long-running processor must pass the durable one.
   */
  storedIds?: StoredEventIdIndex;
}

/** StoredEventIdIndex over process memory only (no storage, unbounded): tests and one-shot tools. */
export class InMemoryStoredEventIds implements StoredEventIdIndex {
  private readonly seen = new HourlySeenIds();
  async refresh(): Promise<void> {
    // Everything this index knows is already in memory.
  }
  has(eventId: string, eventTimeMs: number): boolean {
    return this.seen.has(eventId, eventTimeMs);
  }
  recordCommitted(events: readonly ShopEvent[]): void {
    this.seen.recordEvents(events);
  }
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
  private readonly storedIds: StoredEventIdIndex;
  /**
   * The kept events of chunks checked but not yet committed or aborted (keyed by the `kept` array `check`
   * returned), with their ids as a Set once a later check needed them. When partitions are processed concurrently
   * a copy of an event may be checked while its original's chunk is still being written: without this, both would
   * pass. A chunk's Set is built once, by the first check that runs while it is in flight (chunks checked one after
   * another, PARTITIONS_CONSUMED_CONCURRENTLY=1, never build one), and commit drops a chunk whole.
   */
  private readonly inFlight = new Map<readonly ShopEvent[], Set<string> | undefined>();
  private readonly now: () => number;

  constructor(
    private readonly ruleSet: RuleSet,
    options: MessageGateOptions = {},
  ) {
    this.compiled = compileRecordRules(ruleSet.record);
    this.now = options.now ?? Date.now;
    this.storedIds = options.storedIds ?? new InMemoryStoredEventIds();
  }

  /** `refOf(index)`: the ref of a message without one (see GateMessage.ref). */
  async check(messages: readonly GateMessage[], refOf?: (index: number) => string): Promise<GateResult> {
    const nowMs = this.now();
    const tally = new QualityTally(this.compiled, { nowMs });
    const survivors: ShopEvent[] = [];
    const survivorIndex: number[] = [];
    const survivorTimes: number[] = [];
    const rejected: GateRejection[] = [];
    for (let index = 0; index < messages.length; index++) {
      try {
        this.checkOne(messages[index], index, tally, survivors, survivorIndex, survivorTimes, rejected, refOf);
      } catch (error) {
        // A rule tripping over one odd message refuses that message, never the batch (and never stops the consumer).
        rejected.push({ index, reason: 'processing_error', details: [`quality check failed: ${describeError(error)}`] });
      }
    }

    await this.storedIds.refresh(survivors, survivorTimes);
    const data = datasetFromEvents(survivors, { event_time: survivorTimes });
    const dataset = runDatasetRules(this.ruleSet.dataset, data, { nowMs, seenIds: this.storedIds });
    // Ascending, so one cursor walks them alongside the survivors (no Set of rows).
    const blockingRows = dataset.blockingRows;
    // Taken after the last await: from here to the registration below no other check can interleave.
    const inFlight = this.inFlightIdSets();
    let failedErrorRules: string[] | undefined;
    const kept: ShopEvent[] = [];
    let nextBlocking = 0;
    for (let row = 0; row < survivors.length; row++) {
      const event = survivors[row];
      if (nextBlocking < blockingRows.length && blockingRows[nextBlocking] === row) {
        nextBlocking++;
        const duplicate = dataset.blockingKinds.get(row) === 'uniqueness';
        failedErrorRules ??= dataset.results.filter((r) => r.severity === 'error' && r.failed > 0).map((r) => `${r.id}: ${r.description}`);
        rejected.push({
          index: survivorIndex[row],
          reason: duplicate ? 'duplicate_event_id' : 'dataset_rule',
          details: duplicate ? [`unique_event_id: event_id ${event.event_id} is already stored or repeated`] : failedErrorRules,
        });
      } else if (inFlight.length > 0 && inFlight.some((ids) => ids.has(event.event_id))) {
        rejected.push({
          index: survivorIndex[row],
          reason: 'duplicate_event_id',
          details: ['unique_event_id: event_id duplicates an event being stored by another partition'],
        });
      } else {
        kept.push(event);
      }
    }
    if (kept.length > 0) this.inFlight.set(kept, undefined);
    rejected.sort((a, b) => a.index - b.index);
    return { kept, rejected, report: tally.toReport({ dataset }) };
  }

  private checkOne(
    message: GateMessage,
    index: number,
    tally: QualityTally,
    survivors: ShopEvent[],
    survivorIndex: number[],
    survivorTimes: number[],
    rejected: GateRejection[],
    refOf: ((index: number) => string) | undefined,
  ): void {
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) {
      const ref = message.ref ?? refOf?.(index);
      const violations = tally.addContractRejection(decoded, { candidate: parseQuietly(message.value), ref });
      const reasons = contractViolationReasons(violations);
      rejected.push({ index, reason: decoded.reason, details: reasons.length > 0 ? reasons : decoded.details });
      return;
    }
    // decodeEvent accepted it: the rules the contract implies need not run again.
    const failures = tally.evaluate(decoded.event, message.timestampMs, true);
    if (hasBlockingFailure(failures)) {
      rejected.push({ index, reason: 'quality_rule', details: failureReasons(failures) });
      return;
    }
    // The event_time column of the dataset rules (EVENT_COLUMNS' read), taken now: the time rules just parsed this very
    // text, so eventTimeMillis answers from its last-value memo instead of parsing it again.
    const time = eventTimeMillis(decoded.event.event_time);
    survivors.push(decoded.event);
    survivorIndex.push(index);
    survivorTimes.push(time);
  }

  /**
   * Call once the kept events are durable and committed, with what their batch wrote: later batches see them as
   * already stored. `kept` is the very array `check` returned.
   */
  commit(kept: readonly ShopEvent[], written: CommittedBatchFiles = { files: [] }): void {
    this.storedIds.recordCommitted(kept, written);
    this.inFlight.delete(kept);
  }

  /**
   * Call when a checked chunk was not stored (it will be redelivered): its events are not duplicates of themselves.
   * `kept` is the very array `check` returned.
   */
  abort(kept: readonly ShopEvent[]): void {
    this.inFlight.delete(kept);
  }

  /** The ids of every chunk in flight, each chunk's Set built on first need. */
  private inFlightIdSets(): Set<string>[] {
    const sets: Set<string>[] = [];
    for (const [kept, ids] of this.inFlight) {
      if (ids) {
        sets.push(ids);
        continue;
      }
      const built = new Set<string>();
      for (const event of kept) built.add(event.event_id);
      this.inFlight.set(kept, built);
      sets.push(built);
    }
    return sets;
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
