import { isEventType, type EventType, type RejectReason } from '@pipeline/events';
import type { CompiledRecordRules } from './record-evaluator';
import type { RecordRule, RecordRuleKind } from './rule.types';

/**
 * decodeEvent rejects nulls, wrong types and unknown values before any record rule sees the event.
 * To keep those in the quality report ("null detection: 3 failures"), a rejection is mapped back to the
 * rules that would have caught it: each detail names a field path and a constraint message; the message
 * gives the rule kind, the path gives the column, and the rule of that kind reading that column gets it.
 */

/** What decodeEvent returns on failure (reason plus class-validator-style details). */
export interface ContractRejection {
  reason: RejectReason;
  details: readonly string[];
}

export interface ContractViolation {
  ruleId: string;
  /** Column named by the detail; null for rejections of the whole message (not JSON, not an object). */
  column: string | null;
  detail: string;
}

/** Where a rejection goes when no rule of the set covers it, so it is still counted. */
export const CONTRACT_OTHER_RULE_ID = 'contract_other';

/**
 * The rules a contract rejection violates, one entry per rule. Pass the parsed candidate when at hand
 * (e.g. from JSON.parse + validateEvent): a field that is null or absent in it is then reported as
 * missing, which the validator's messages alone ("event_id must be a UUID") cannot tell.
 */
export function classifyContractRejection(
  compiled: CompiledRecordRules,
  rejection: ContractRejection,
  candidate?: unknown,
): ContractViolation[] {
  const eventType = eventTypeOf(candidate);
  const byRule = new Map<string, ContractViolation>();
  const add = (kinds: readonly RecordRuleKind[], column: string | null, detail: string) => {
    const rule = findRule(compiled.rules, kinds, column, eventType);
    const ruleId = rule?.id ?? CONTRACT_OTHER_RULE_ID;
    if (!byRule.has(ruleId)) byRule.set(ruleId, { ruleId, column, detail });
  };

  switch (rejection.reason) {
    case 'invalid_utf8':
    case 'invalid_json':
    case 'not_an_object':
      add(['data_type'], null, rejection.details[0] ?? rejection.reason);
      break;
    case 'unknown_event_type': {
      const detail = rejection.details[0] ?? 'unknown event_type';
      const missing = candidate !== undefined ? isAbsent(readPath(candidate, 'event_type')) : / null$/.test(detail);
      add(missing ? ['required'] : ['allowed_set'], 'event_type', detail);
      break;
    }
    case 'schema_violation':
      for (const [path, messages] of groupByPath(rejection.details)) {
        const absent = candidate !== undefined && isAbsent(readPath(candidate, path));
        const kind = absent ? 'required' : kindOfMessages(messages);
        add([kind, 'data_type'], columnOfPath(path), `${messages[0]}`);
      }
      break;
  }
  return [...byRule.values()];
}

/** DLQ reasons for a rejection, in the same `rule_id: detail` form as record-rule failures. */
export function contractViolationReasons(violations: readonly ContractViolation[]): string[] {
  return violations.map((violation) => `${violation.ruleId}: ${violation.detail}`);
}

/**
 * The first rule whose kind is the earliest possible in `kinds` and that reads the column (any rule of
 * the kind when the column is unknown) and applies to the event's kind. Rejections are rare, so a scan is fine.
 */
function findRule(
  rules: readonly RecordRule[],
  kinds: readonly RecordRuleKind[],
  column: string | null,
  eventType: EventType | null,
): RecordRule | undefined {
  for (const kind of kinds) {
    const found = rules.find(
      (rule) =>
        rule.kind === kind &&
        (column === null || rule.columns.includes(column)) &&
        (eventType === null || !rule.appliesTo || rule.appliesTo.includes(eventType)),
    );
    if (found) return found;
  }
  return undefined;
}

const MESSAGE_KINDS: readonly [RegExp, RecordRuleKind][] = [
  [/should not be empty|should not be null or undefined|must contain at least \d+ elements/, 'required'],
  [/must be (a string|an integer number|a number|an object|an array|a boolean)|must be either object or array|an unknown value/, 'data_type'],
  [/must be one of the following values|must be equal to/, 'allowed_set'],
  [/must not be (less|greater) than/, 'numeric_range'],
];

/**
 * One field often fails several constraints at once (a null string is "empty", "not a string" and "too long");
 * the most basic one names the problem, so MESSAGE_KINDS is in that order. Anything unlisted
 * (UUID, ISO country, ISO time, length, pattern) is a format problem.
 */
function kindOfMessages(messages: readonly string[]): RecordRuleKind {
  for (const [pattern, kind] of MESSAGE_KINDS) {
    if (messages.some((message) => pattern.test(message))) return kind;
  }
  return 'format';
}

/** class-validator details read `path message` or `path: message` (see flattenErrors in libs/events). */
function groupByPath(details: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const detail of details) {
    const space = detail.indexOf(' ');
    const path = (space < 0 ? detail : detail.slice(0, space)).replace(/:$/, '');
    const messages = groups.get(path);
    if (messages) messages.push(detail);
    else groups.set(path, [detail]);
  }
  return groups;
}

/** Nested contract paths -> the flat EVENT_COLUMNS name the rules declare. */
const COLUMN_BY_PATH: Readonly<Record<string, string>> = {
  device: 'device_type',
  'device.type': 'device_type',
  'device.os': 'device_os',
  'device.browser': 'device_browser',
  product: 'product_id',
  'product.product_id': 'product_id',
  'product.name': 'product_name',
  'product.category': 'category',
  'product.price_cents': 'price_cents',
  'product.currency': 'currency',
  items: 'items_json',
  'items.product_id': 'product_id',
  'items.name': 'product_name',
  'items.category': 'category',
  'items.price_cents': 'price_cents',
  'items.currency': 'currency',
  'items.quantity': 'quantity',
};

export function columnOfPath(path: string): string {
  // items.0.price_cents -> items.price_cents; a bare items.1 (a null line) is the items column.
  const generic = path
    .split('.')
    .filter((segment) => !/^\d+$/.test(segment))
    .join('.');
  return COLUMN_BY_PATH[generic] ?? generic;
}

function eventTypeOf(candidate: unknown): EventType | null {
  const type = readPath(candidate, 'event_type');
  return isEventType(type) ? type : null;
}

function readPath(candidate: unknown, path: string): unknown {
  let value: unknown = candidate;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}
