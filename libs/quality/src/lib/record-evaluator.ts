import type { EventType, ShopEvent } from '@pipeline/events';
import { groupByEventType } from './event-fields';
import { assertValidRules } from './rule-validation';
import type { RecordContext, RecordRule, Severity } from './rule.types';

export interface RuleFailure {
  ruleId: string;
  severity: Severity;
  message: string;
}

/**
 * A rule list prepared for the hot path: per event kind, the flat array of rules that apply to it,
 * so evaluating an event is one loop over predicates with no lookups or filtering.
 */
export interface CompiledRecordRules {
  readonly rules: readonly RecordRule[];
  readonly byEventType: Readonly<Record<EventType, readonly RecordRule[]>>;
  /** Rules without appliesTo: what an event of an unknown kind is checked against. */
  readonly universal: readonly RecordRule[];
  /**
   * Per event kind, what is left to check on an event the contract accepted (RecordRule.afterContract): rules the
   * contract implies are gone, the others carry their cheaper check when they have one.
   */
  readonly afterContractByEventType: Readonly<Record<EventType, readonly RecordRule[]>>;
}

export function compileRecordRules(rules: readonly RecordRule[]): CompiledRecordRules {
  assertValidRules(rules);
  const byEventType = groupByEventType(rules);
  const afterContract = (rule: RecordRule): RecordRule | undefined =>
    rule.afterContract === 'implied' ? undefined : rule.afterContract ? { ...rule, check: rule.afterContract } : rule;
  const afterContractByEventType = Object.fromEntries(
    Object.entries(byEventType).map(([type, list]) => [type, list.map(afterContract).filter((rule) => rule !== undefined)]),
  ) as Record<EventType, RecordRule[]>;
  return {
    rules,
    byEventType,
    universal: rules.filter((rule) => !rule.appliesTo),
    afterContractByEventType,
  };
}

/** Shared result for the common case, so a clean event allocates nothing. Frozen: callers must not push to it. */
export const NO_FAILURES: readonly RuleFailure[] = Object.freeze([]);

/**
 * Runs the record rules that apply to the event. Returns NO_FAILURES when all pass, else one failure per
 * failing rule. A rule that throws counts as failed rather than taking the batch down. `acceptedByContract`: the
 * event passed decodeEvent, so only what the contract does not already guarantee is checked (same answer, less work).
 */
export function evaluateRecord(
  compiled: CompiledRecordRules,
  event: ShopEvent,
  context: RecordContext,
  acceptedByContract = false,
): readonly RuleFailure[] {
  const rules = (acceptedByContract ? compiled.afterContractByEventType : compiled.byEventType)[event.event_type] ?? compiled.universal;
  let failures: RuleFailure[] | undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    let problem: string | undefined;
    try {
      problem = rule.check(event, context);
    } catch (error) {
      problem = `rule threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (problem !== undefined) (failures ??= []).push({ ruleId: rule.id, severity: rule.severity, message: problem });
  }
  return failures ?? NO_FAILURES;
}

/** True when a failure has severity `error`: the record goes to the DLQ. */
export function hasBlockingFailure(failures: readonly RuleFailure[]): boolean {
  for (const failure of failures) if (failure.severity === 'error') return true;
  return false;
}

/** DLQ reasons, e.g. `price_range: price_cents 0 is outside [1, 5000000]`. */
export function failureReasons(failures: readonly RuleFailure[]): string[] {
  return failures.map((failure) => `${failure.ruleId}: ${failure.message}`);
}
