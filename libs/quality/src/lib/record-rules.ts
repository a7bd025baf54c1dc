import { EVENT_TYPES, eventTimeMillis, parseIsoUtcMillis, type EventType, type ShopEvent } from '@pipeline/events';
import { groupByEventType, lineItemsOf, type EventField, type FieldType, type ValueSource } from './event-fields';
import type { RecordRule, RecordRuleKind, Severity } from './rule.types';

/**
 * Factories for the record-level rule kinds. Each returns a plain RecordRule; everything that can be
 * worked out once (lookup sets, per-kind field lists, bounds) is captured here, so `check` only reads the event.
 */

export interface RuleIdentity {
  id: string;
  description: string;
  /** Default 'error'. */
  severity?: Severity;
  mostly?: number;
  /** RecordRule.afterContract: `'implied'` when the event contract already guarantees the rule. */
  afterContract?: RecordRule['afterContract'];
}

function rule(
  identity: RuleIdentity,
  kind: RecordRuleKind,
  columns: readonly string[],
  appliesTo: readonly EventType[] | undefined,
  check: RecordRule['check'],
): RecordRule {
  const built: RecordRule = {
    id: identity.id,
    description: identity.description,
    severity: identity.severity ?? 'error',
    kind,
    columns,
    check,
  };
  if (appliesTo) built.appliesTo = appliesTo;
  if (identity.mostly !== undefined) built.mostly = identity.mostly;
  if (identity.afterContract !== undefined) built.afterContract = identity.afterContract;
  return built;
}

const uniqueColumns = (fields: readonly { column: string }[]) => [...new Set(fields.map((f) => f.column))];
const appliedTypes = (fields: readonly EventField[]): EventType[] =>
  EVENT_TYPES.filter((type) => fields.some((f) => f.appliesTo.includes(type)));

/** Fields that must be present: null, undefined, '' and [] fail. One rule over many fields = "null detection". */
export function requiredRule(identity: RuleIdentity & { fields: readonly EventField[] }): RecordRule {
  const fieldsByType = groupByEventType(identity.fields.filter((f) => f.required));
  const required = identity.fields.filter((f) => f.required);
  return rule(identity, 'required', uniqueColumns(required), appliedTypes(required), (event) => {
    const fields = fieldsByType[event.event_type];
    if (!fields) return undefined;
    for (const f of fields) {
      if (f.read && isMissing(f.read(event))) return `${f.column} is missing`;
      if (f.readItem) {
        const items = lineItemsOf(event);
        if (!items) continue;
        for (let i = 0; i < items.length; i++) {
          if (isMissing(f.readItem(items[i]))) return `items[${i}] ${f.column} is missing`;
        }
      }
    }
    return undefined;
  });
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A switch rather than a table of closures: one monomorphic function V8 inlines into the field loop. */
function conforms(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'timestamp':
      // The shape the contract demands (ISO-8601 UTC with millis) and a real calendar date.
      return typeof value === 'string' && !Number.isNaN(parseIsoUtcMillis(value));
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * Each present field has its declared type (absent ones are the required rule's business); a timestamp must be the
 * contract's shape and a real calendar date and time.
 */
export function dataTypeRule(identity: RuleIdentity & { fields: readonly EventField[] }): RecordRule {
  const check = fieldTypeCheck(groupByEventType(identity.fields));
  return rule(identity, 'data_type', uniqueColumns(identity.fields), appliedTypes(identity.fields), check);
}

function fieldTypeCheck(fieldsByType: Record<EventType, EventField[]>): RecordRule['check'] {
  return (event) => {
    const fields = fieldsByType[event.event_type];
    if (!fields) return undefined;
    for (const f of fields) {
      if (f.read) {
        const value = f.read(event);
        if (value !== null && value !== undefined && !conforms(value, f.type)) {
          return `${f.column} is not ${article(f.type)} ${f.type}`;
        }
      }
      if (f.readItem) {
        const items = lineItemsOf(event);
        if (!items) continue;
        for (let i = 0; i < items.length; i++) {
          const value = f.readItem(items[i]);
          if (value !== null && value !== undefined && !conforms(value, f.type)) {
            return `items[${i}] ${f.column} is not ${article(f.type)} ${f.type}`;
          }
        }
      }
    }
    return undefined;
  };
}

const article = (type: FieldType) => (type === 'integer' || type === 'array' || type === 'object' ? 'an' : 'a');

interface ColumnRule extends RuleIdentity, ValueSource {
  column: string;
  appliesTo?: readonly EventType[];
}

/**
 * The first value of `source` on this event that fails `isValid`, or NO_VIOLATION. Nulls are skipped:
 * only the required rule judges absence (the Great Expectations convention).
 */
function findViolation(event: ShopEvent, source: ValueSource, isValid: (value: unknown) => boolean): unknown {
  if (source.read) {
    const value = source.read(event);
    if (value !== null && value !== undefined && !isValid(value)) return value;
  }
  if (source.readItem) {
    const items = lineItemsOf(event);
    if (items) {
      for (const item of items) {
        const value = source.readItem(item);
        if (value !== null && value !== undefined && !isValid(value)) return value;
      }
    }
  }
  return NO_VIOLATION;
}
const NO_VIOLATION = Symbol('no violation');

export function allowedSetRule(
  options: ColumnRule & { values: readonly (string | number)[] },
): RecordRule {
  const allowed = new Set<unknown>(options.values);
  const isValid = (value: unknown) => allowed.has(value);
  return rule(options, 'allowed_set', [options.column], options.appliesTo, (event) => {
    const bad = findViolation(event, options, isValid);
    return bad === NO_VIOLATION ? undefined : `${options.column} ${JSON.stringify(bad)} is not one of ${options.values.join('|')}`;
  });
}

/** Inclusive bounds; a value that is not a finite number fails too (a range check must not wave NaN through). */
export function numericRangeRule(options: ColumnRule & { min?: number; max?: number }): RecordRule {
  const min = options.min ?? -Infinity;
  const max = options.max ?? Infinity;
  const isValid = (value: unknown) => typeof value === 'number' && value >= min && value <= max;
  return rule(options, 'numeric_range', [options.column], options.appliesTo, (event) => {
    const bad = findViolation(event, options, isValid);
    return bad === NO_VIOLATION ? undefined : `${options.column} ${String(bad)} is outside [${min}, ${max}]`;
  });
}

/** The event happened neither too far in the future (clock skew) nor too long ago, relative to the injected now. */
export function timestampRangeRule(
  options: RuleIdentity & {
    column: string;
    read: (event: ShopEvent) => unknown;
    maxFutureSkewMs: number;
    maxAgeMs: number;
  },
): RecordRule {
  return rule(options, 'timestamp_range', [options.column], undefined, (event, context) => {
    const raw = options.read(event);
    if (raw === null || raw === undefined) return undefined;
    const time = typeof raw === 'number' ? raw : typeof raw === 'string' ? eventTimeMillis(raw) : NaN;
    if (Number.isNaN(time)) return `${options.column} ${JSON.stringify(raw)} is not a time`;
    if (time > context.nowMs + options.maxFutureSkewMs) {
      return `${options.column} is ${seconds(time - context.nowMs)}s in the future (allowed ${seconds(options.maxFutureSkewMs)}s)`;
    }
    if (time < context.nowMs - options.maxAgeMs) {
      return `${options.column} is ${seconds(context.nowMs - time)}s old (allowed ${seconds(options.maxAgeMs)}s)`;
    }
    return undefined;
  });
}


const seconds = (ms: number) => Math.round(ms / 1000);

export function formatRule(options: ColumnRule & { pattern: RegExp; formatName: string }): RecordRule {
  if (options.pattern.global || options.pattern.sticky) {
    // test() on a global/sticky regex is stateful (lastIndex) and would fail every other event.
    throw new Error(`rule ${options.id}: format pattern must not be global or sticky`);
  }
  const isValid = (value: unknown) => typeof value === 'string' && options.pattern.test(value);
  return rule(options, 'format', [options.column], options.appliesTo, (event) => {
    const bad = findViolation(event, options, isValid);
    return bad === NO_VIOLATION ? undefined : `${options.column} ${JSON.stringify(bad)} is not ${options.formatName}`;
  });
}

/** Relations between fields of one event; `check` holds the relation. */
export function consistencyRule(
  options: RuleIdentity & {
    columns: readonly string[];
    appliesTo?: readonly EventType[];
    check: RecordRule['check'];
  },
): RecordRule {
  return rule(options, 'consistency', options.columns, options.appliesTo, options.check);
}
