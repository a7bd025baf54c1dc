import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EVENT_DTO_BY_TYPE, isEventType } from './event-kinds';
import { isCertainlyValidEvent } from './event-fast-check';
import { SCHEMA_VERSION, type ShopEvent } from './event.types';
import { jsonShapeViolation } from './json-shape';

export const HEADER_EVENT_TYPE = 'event-type';
export const HEADER_SCHEMA_VERSION = 'schema-version';

/** What a producer hands to Kafka; kafkajs, the Nest client and the CLI all take this shape. */
export interface EncodedEvent {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Key = session_id: Kafka keeps order per partition, and a session's funnel (view -> cart -> purchase)
 * must be read in order by whoever consumes it.
 */
export function encodeEvent(event: ShopEvent): EncodedEvent {
  return {
    key: event.session_id,
    value: Buffer.from(JSON.stringify(event), 'utf8'),
    headers: { [HEADER_EVENT_TYPE]: event.event_type, [HEADER_SCHEMA_VERSION]: String(SCHEMA_VERSION) },
  };
}

export type RejectReason = 'invalid_utf8' | 'invalid_json' | 'not_an_object' | 'unknown_event_type' | 'schema_violation';

export const REJECT_REASONS: readonly RejectReason[] = [
  'invalid_utf8',
  'invalid_json',
  'not_an_object',
  'unknown_event_type',
  'schema_violation',
];

export type DecodeResult =
  | { ok: true; event: ShopEvent }
  | { ok: false; reason: RejectReason; details: string[] };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses and validates untrusted bytes against the contract. Never throws: bad input is data, not an error. */
export function decodeEvent(value: Uint8Array | null | undefined): DecodeResult {
  try {
    return decodeUntrusted(value);
  } catch (error) {
    // Whatever slipped past the guards below is still this message's problem, never the consumer's.
    return reject('schema_violation', `validation failed: ${describeError(error)}`);
  }
}

function decodeUntrusted(value: Uint8Array | null | undefined): DecodeResult {
  if (!value || value.length === 0) return reject('invalid_json', 'empty message');
  let text: string;
  try {
    text = strictUtf8.decode(value);
  } catch {
    return reject('invalid_utf8', 'message is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return reject('invalid_json', (error as Error).message);
  }
  return validateEvent(parsed);
}

/**
 * Validates a parsed value against the contract. A well-formed event is accepted by a precompiled mirror of the
 * DTOs (isCertainlyValidEvent); anything else goes to class-validator, which decides and words the rejection.
 */
export function validateEvent(candidate: unknown): DecodeResult {
  if (isCertainlyValidEvent(candidate)) return { ok: true, event: candidate as ShopEvent };
  return validateEventWithDtos(candidate);
}

/** The contract itself: class-transformer + class-validator over the DTOs (event.dto.ts), for every input. */
export function validateEventWithDtos(candidate: unknown): DecodeResult {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return reject('not_an_object', 'event must be a JSON object');
  }
  const eventType = (candidate as { event_type?: unknown }).event_type;
  if (!isEventType(eventType)) {
    return reject('unknown_event_type', `unknown event_type ${JSON.stringify(eventType ?? null)}`);
  }
  // class-transformer and class-validator recurse into every nested value: bound the shape before they run.
  const shapeViolation = jsonShapeViolation(candidate);
  if (shapeViolation) return reject('schema_violation', shapeViolation);
  let errors: ValidationError[];
  try {
    const dto = plainToInstance(EVENT_DTO_BY_TYPE[eventType] as new () => object, candidate);
    errors = validateSync(dto, { forbidUnknownValues: true, validationError: { target: false, value: false } });
  } catch (error) {
    return reject('schema_violation', `validation failed: ${describeError(error)}`);
  }
  if (errors.length > 0) return { ok: false, reason: 'schema_violation', details: flattenErrors(errors) };
  // The validated plain object, not the DTO instance: downstream code wants plain data, and this avoids a copy.
  return { ok: true, event: candidate as ShopEvent };
}

function reject(reason: RejectReason, detail: string): DecodeResult {
  return { ok: false, reason, details: [detail] };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 200);
}

/**
 * Constraints whose failure makes the others meaningless: `"quantity": "2"` fails isInt, min and max, and only
 * "must be an integer number" says what is wrong. class-validator lists constraints in reverse decorator order
 * (max before isInt), so these are moved to the front; the first message of a field is the one reported.
 */
const BASIC_CONSTRAINTS = ['isDefined', 'isNotEmpty', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'isArray'];

function orderedMessages(constraints: Record<string, string> | undefined): string[] {
  const entries = Object.entries(constraints ?? {});
  const rank = (name: string) => {
    const index = BASIC_CONSTRAINTS.indexOf(name);
    return index < 0 ? BASIC_CONSTRAINTS.length : index;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b)).map(([, message]) => message);
}

function flattenErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of orderedMessages(error.constraints)) {
      out.push(message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`);
    }
    if (error.children?.length) out.push(...flattenErrors(error.children, path));
  }
  return out;
}
