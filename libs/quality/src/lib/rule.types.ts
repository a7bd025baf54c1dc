import type { EventType, ShopEvent } from '@pipeline/events';
import type { Dataset } from './dataset';

/**
 * Rules are plain data plus one small function, so a rule list reads like configuration and a new rule
 * is one object literal in one list; the engines never change when a rule is added.
 */

/** `error` failures reject a record (DLQ) or fail a check; `warn` failures are counted and kept. */
export type Severity = 'error' | 'warn';

export type RecordRuleKind =
  | 'required'
  | 'data_type'
  | 'allowed_set'
  | 'numeric_range'
  | 'timestamp_range'
  | 'format'
  | 'consistency';

export type DatasetRuleKind = 'uniqueness' | 'completeness' | 'freshness' | 'volume' | 'distribution';

export type RuleKind = RecordRuleKind | DatasetRuleKind;

/** What the record rules may know beyond the event itself. The clock is injected so results are reproducible. */
export interface RecordContext {
  nowMs: number;
}

export interface RecordRule {
  /** Stable identifier; reports, DLQ reasons and contract-rejection mapping all refer to it. */
  id: string;
  description: string;
  severity: Severity;
  kind: RecordRuleKind;
  /** Columns of EVENT_COLUMNS the rule reads; also how a contract rejection of a field finds its rule. */
  columns: readonly string[];
  /** Event kinds the rule applies to; all kinds when absent. Rows of other kinds are not counted as evaluated. */
  appliesTo?: readonly EventType[];
  /** Share of evaluated rows that must pass for the check to pass (default 1). Does not affect per-record rejection. */
  mostly?: number;
  /** Returns undefined when the event passes, otherwise a short reason. Must not throw on odd data (it is guarded anyway). */
  check: (event: ShopEvent, context: RecordContext) => string | undefined;
  /**
   * What is left of the rule for an event the contract (decodeEvent) accepted: `'implied'` when the contract already
   * guarantees it (such an event never fails it), or a cheaper check that answers exactly as `check` does on such
   * events. Absent: `check` runs. The processor's gate only judges accepted events, so it skips the contract's own
   * work; contract-implied-rules.spec.ts checks the equivalence over generated and mutated events.
   */
  afterContract?: 'implied' | ((event: ShopEvent, context: RecordContext) => string | undefined);
}

/** Pass when at least `mostly` of the evaluated rows pass (row-level dataset checks, record rules). */
export interface ShareThreshold {
  mostly: number;
}

/** Pass when the measured metric lies inside [min, max]; a missing bound is unbounded. */
export interface MetricBound {
  metric: string;
  min: number | null;
  max: number | null;
}

export type Threshold = ShareThreshold | MetricBound;

export function isShareThreshold(threshold: Threshold): threshold is ShareThreshold {
  return 'mostly' in threshold;
}

/** What uniqueness asks of the ids stored before this batch: exact in production (the lake's id index). */
export interface StoredEventIds {
  has(eventId: string, eventTimeMs: number): boolean;
}

export interface DatasetContext {
  nowMs: number;
  /** Event ids already stored (by earlier batches, any writer); lets uniqueness see across batches. */
  seenIds?: StoredEventIds;
  /** Row counts of the hours before the one checked, oldest first; feeds the volume rule. */
  trailingHourCounts?: readonly number[];
}

/**
 * What a dataset rule measured. Row-level rules (uniqueness, completeness) list the failing rows;
 * metric rules report one number; a rule that cannot say anything meaningful returns `skipped`.
 */
export type DatasetMeasurement =
  | { evaluated: number; failedRows: readonly number[] }
  | { evaluated: number; metric: number }
  | { skipped: string };

export interface DatasetRule {
  id: string;
  description: string;
  severity: Severity;
  kind: DatasetRuleKind;
  columns: readonly string[];
  threshold: Threshold;
  measure: (data: Dataset, context: DatasetContext) => DatasetMeasurement;
}

export interface RuleSet {
  record: readonly RecordRule[];
  dataset: readonly DatasetRule[];
}
