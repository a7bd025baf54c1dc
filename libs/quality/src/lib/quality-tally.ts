import type { ShopEvent } from '@pipeline/events';
import {
  classifyContractRejection,
  CONTRACT_OTHER_RULE_ID,
  type ContractRejection,
  type ContractViolation,
} from './contract-rejections';
import type { DatasetRun } from './dataset-evaluator';
import {
  compileRecordRules,
  evaluateRecord,
  hasBlockingFailure,
  type CompiledRecordRules,
  type RuleFailure,
} from './record-evaluator';
import {
  buildReport,
  DEFAULT_SAMPLE_LIMIT,
  passShareOf,
  shareStatus,
  type QualityReport,
  type ReportScope,
  type RuleResult,
  type TimeWindow,
} from './quality-report';
import type { RecordContext, RecordRule } from './rule.types';

export interface TallyOptions {
  sampleLimit?: number;
}

export interface RejectionSource {
  /** The parsed message, when available; sharpens the mapping (see classifyContractRejection) and supplies the event id. */
  candidate?: unknown;
  /** Where the message came from, e.g. `ecommerce.events/1@20417`; the sample when there is no event id. */
  ref?: string;
}

/**
 * Counts the record-level outcome of a micro-batch (or any stream of records): rule failures of typed
 * events and contract rejections mapped to rules. Per-rule "evaluated" is derived from per-kind event
 * counts instead of being incremented rule by rule, so a clean event costs two increments.
 */
export class QualityTally {
  readonly compiled: CompiledRecordRules;
  private readonly sampleLimit: number;
  /** The context with a message's own reference time (reused: a clean event allocates nothing). */
  private readonly messageContext: RecordContext;
  private readonly indexById = new Map<string, number>();
  private readonly eventsByType = new Map<string, number>();
  private readonly failed: number[];
  /** Contract rejections mapped to the rule: evaluated (by the contract) and failed. */
  private readonly rejected: number[];
  private readonly samples: string[][];
  private readonly other = { failed: 0, samples: [] as string[] };
  private rows = 0;
  private validRows = 0;
  private earliest: string | null = null;
  private latest: string | null = null;

  constructor(
    rules: CompiledRecordRules | readonly RecordRule[],
    private readonly context: RecordContext,
    options: TallyOptions = {},
  ) {
    this.compiled = 'byEventType' in rules ? rules : compileRecordRules(rules);
    this.messageContext = { ...context };
    this.sampleLimit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
    this.compiled.rules.forEach((rule, index) => this.indexById.set(rule.id, index));
    this.failed = this.compiled.rules.map(() => 0);
    this.rejected = this.compiled.rules.map(() => 0);
    this.samples = this.compiled.rules.map(() => []);
  }

  get rowsEvaluated(): number {
    return this.rows;
  }

  get rowsValid(): number {
    return this.validRows;
  }

  /**
   * Evaluates the record rules on a typed event and counts the outcome; route it with hasBlockingFailure.
   * `referenceMs` is the time the event reached the pipeline (its Kafka timestamp) when known: time rules judge
   * "in the future" and "too old" against it, so a replay or backfill of old data still catches its own strays.
   */
  evaluate(event: ShopEvent, referenceMs?: number, acceptedByContract = false): readonly RuleFailure[] {
    let context = this.context;
    if (referenceMs !== undefined && referenceMs !== context.nowMs) {
      this.messageContext.nowMs = referenceMs;
      context = this.messageContext;
    }
    const failures = evaluateRecord(this.compiled, event, context, acceptedByContract);
    this.add(event, failures);
    return failures;
  }

  /** Counts an event evaluated elsewhere (e.g. by evaluateRecord in a worker). */
  add(event: ShopEvent, failures: readonly RuleFailure[]): void {
    this.rows++;
    this.eventsByType.set(event.event_type, (this.eventsByType.get(event.event_type) ?? 0) + 1);
    const time = event.event_time;
    if (typeof time === 'string') {
      // The contract fixes the ISO format, so text order is time order; no parsing on the hot path.
      if (this.earliest === null || time < this.earliest) this.earliest = time;
      if (this.latest === null || time > this.latest) this.latest = time;
    }
    if (failures.length === 0) {
      this.validRows++;
      return;
    }
    if (!hasBlockingFailure(failures)) this.validRows++;
    for (const failure of failures) {
      const index = this.indexById.get(failure.ruleId);
      if (index === undefined) continue;
      this.failed[index]++;
      this.sample(this.samples[index], typeof event.event_id === 'string' ? event.event_id : `row ${this.rows}`);
    }
  }

  /**
   * Counts a message decodeEvent rejected, under the rules it violates; returns them (their
   * contractViolationReasons are the DLQ reasons). The row counts as evaluated and invalid.
   */
  addContractRejection(rejection: ContractRejection, source: RejectionSource = {}): ContractViolation[] {
    this.rows++;
    const violations = classifyContractRejection(this.compiled, rejection, source.candidate);
    const sample = idOf(source.candidate) ?? source.ref ?? `row ${this.rows}`;
    for (const violation of violations) {
      const index = this.indexById.get(violation.ruleId);
      if (index === undefined) {
        this.other.failed++;
        this.sample(this.other.samples, sample);
        continue;
      }
      this.rejected[index]++;
      this.failed[index]++;
      this.sample(this.samples[index], sample);
    }
    return violations;
  }

  /** Span of the event times seen (typed events only). */
  window(): TimeWindow {
    return { start: this.earliest, end: this.latest };
  }

  ruleResults(): RuleResult[] {
    const results = this.compiled.rules.map((rule, index): RuleResult => {
      const evaluated = this.typedEventsFor(rule) + this.rejected[index];
      const failed = this.failed[index];
      const passShare = passShareOf(evaluated, failed);
      const mostly = rule.mostly ?? 1;
      return {
        id: rule.id,
        description: rule.description,
        severity: rule.severity,
        level: 'record',
        kind: rule.kind,
        columns: [...rule.columns],
        threshold: { mostly },
        evaluated,
        failed,
        passShare,
        status: shareStatus(passShare, mostly, rule.severity),
        metricValue: null,
        samples: [...this.samples[index]],
        note: null,
      };
    });
    if (this.other.failed > 0) results.push(contractOtherResult(this.rows, this.other.failed, this.other.samples));
    return results;
  }

  /**
   * The batch report. Pass the dataset run over the kept events to include the dataset checks;
   * rows they flag with an error (duplicates) then count as invalid too.
   */
  toReport(options: { scope?: ReportScope; window?: TimeWindow; dataset?: DatasetRun } = {}): QualityReport {
    const dataset = options.dataset;
    return buildReport({
      scope: options.scope ?? 'batch',
      window: options.window ?? this.window(),
      generatedAtMs: this.context.nowMs,
      rowsEvaluated: this.rows,
      rowsValid: this.validRows - (dataset?.blockingRows.length ?? 0),
      rules: [...this.ruleResults(), ...(dataset?.results ?? [])],
    });
  }

  private typedEventsFor(rule: RecordRule): number {
    let count = 0;
    if (rule.appliesTo) {
      for (const type of rule.appliesTo) count += this.eventsByType.get(type) ?? 0;
      return count;
    }
    for (const n of this.eventsByType.values()) count += n;
    return count;
  }

  private sample(samples: string[], value: string): void {
    if (samples.length < this.sampleLimit && !samples.includes(value)) samples.push(value);
  }
}

function idOf(candidate: unknown): string | undefined {
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const id = (candidate as Record<string, unknown>)['event_id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function contractOtherResult(rows: number, failed: number, samples: readonly string[]): RuleResult {
  const passShare = passShareOf(rows, failed);
  return {
    id: CONTRACT_OTHER_RULE_ID,
    description: 'rejected by the event contract for a reason no rule covers',
    severity: 'error',
    level: 'record',
    kind: 'data_type',
    columns: [],
    threshold: { mostly: 1 },
    evaluated: rows,
    failed,
    passShare,
    status: shareStatus(passShare, 1, 'error'),
    metricValue: null,
    samples: [...samples],
    note: null,
  };
}
