import {
  equals,
  isIn,
  isInt,
  isISO31661Alpha2,
  isNotEmpty,
  isObject,
  isString,
  isUUID,
  matches,
  max,
  maxLength,
  min,
} from 'class-validator';
import { ISO_UTC_MILLIS, MAX_PRICE_CENTS, MAX_QUANTITY } from './event.dto';
import { CURRENCIES, DEVICE_TYPES, PAYMENT_METHODS, SCHEMA_VERSION, type EventType } from './event.types';

/**
 * A precompiled mirror of the event DTOs (event.dto.ts) for the common case: a well-formed event. It answers
 * only "certainly valid" (true) or "ask class-validator" (false), never "invalid": decodeEvent runs the DTOs
 * on every false, so verdicts and error messages always come from class-validator, which stays the contract.
 *
 * It is sound because it accepts less than the DTOs do: only plain objects whose keys are all known fields
 * (so class-transformer copies them unchanged: no `__proto__`, no extras) and whose values already have the
 * exact JSON type a decorator wants. Every check is class-validator's own function with the decorator's
 * argument. Whenever a decorator changes, change this too; the equivalence test over generated events and
 * every fault kind (libs/quality contract-fast-path.spec.ts) fails if the two disagree.
 *
 * Why: plainToInstance + validateSync cost ~30 µs per event (metadata lookups, instance building), most of
 * the processor's CPU; these checks cost about 1 µs.
 */
export function isCertainlyValidEvent(candidate: unknown): boolean {
  if (!isPlainObject(candidate)) return false;
  const event = candidate as Record<string, unknown>;
  const type = event['event_type'] as EventType;
  const keys = KEYS_BY_TYPE[type];
  if (keys === undefined || !hasOnlyKeys(event, keys) || !envelopeIsValid(event)) return false;
  switch (type) {
    case 'page_view':
      return event['product'] === null || event['product'] === undefined || productIsValid(event['product'], PRODUCT_KEYS);
    case 'search':
      return requiredString(event['query'], 256) && isInt(event['results_count']) && min(event['results_count'], 0);
    case 'add_to_cart':
    case 'remove_from_cart':
      return productIsValid(event['product'], PRODUCT_KEYS) && quantityIsValid(event['quantity']);
    case 'purchase':
      return (
        requiredString(event['order_id'], 64) &&
        itemsAreValid(event['items']) &&
        isInt(event['revenue_cents']) &&
        min(event['revenue_cents'], 0) &&
        isIn(event['currency'], CURRENCIES) &&
        isIn(event['payment_method'], PAYMENT_METHODS)
      );
    default:
      return false;
  }
}

const ENVELOPE_KEYS = [
  'event_id',
  'event_type',
  'schema_version',
  'event_time',
  'user_id',
  'session_id',
  'device',
  'country',
  'page',
  'referrer',
];
const DEVICE_KEYS = new Set(['type', 'os', 'browser']);
const PRODUCT_KEYS = new Set(['product_id', 'name', 'category', 'price_cents', 'currency']);
const LINE_ITEM_KEYS = new Set([...PRODUCT_KEYS, 'quantity']);

const KEYS_BY_TYPE: Readonly<Record<EventType, ReadonlySet<string>>> = {
  page_view: new Set([...ENVELOPE_KEYS, 'product']),
  search: new Set([...ENVELOPE_KEYS, 'query', 'results_count']),
  add_to_cart: new Set([...ENVELOPE_KEYS, 'product', 'quantity']),
  remove_from_cart: new Set([...ENVELOPE_KEYS, 'product', 'quantity']),
  purchase: new Set([...ENVELOPE_KEYS, 'order_id', 'items', 'revenue_cents', 'currency', 'payment_method']),
};

/** What JSON.parse makes of `{...}`: class-transformer turns exactly these into DTO instances field by field. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/** @IsString @IsNotEmpty @MaxLength(max) */
function requiredString(value: unknown, maxChars: number): boolean {
  return isString(value) && isNotEmpty(value) && maxLength(value, maxChars);
}

/** @IsOptional @IsString @MaxLength(max): null/undefined skip the other checks. */
function optionalString(value: unknown, maxChars: number): boolean {
  return value === null || value === undefined || (isString(value) && maxLength(value, maxChars));
}

function envelopeIsValid(event: Record<string, unknown>): boolean {
  return (
    isUUID(event['event_id']) &&
    equals(event['schema_version'], SCHEMA_VERSION) &&
    isString(event['event_time']) &&
    matches(event['event_time'], ISO_UTC_MILLIS) &&
    requiredString(event['user_id'], 64) &&
    requiredString(event['session_id'], 64) &&
    deviceIsValid(event['device']) &&
    isISO31661Alpha2(event['country']) &&
    optionalString(event['page'], 512) &&
    optionalString(event['referrer'], 512)
  );
}

function deviceIsValid(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, DEVICE_KEYS)) return false;
  return isIn(value['type'], DEVICE_TYPES) && requiredString(value['os'], 64) && requiredString(value['browser'], 64);
}

function productIsValid(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (!isPlainObject(value) || !hasOnlyKeys(value, keys)) return false;
  return (
    requiredString(value['product_id'], 64) &&
    requiredString(value['name'], 256) &&
    requiredString(value['category'], 64) &&
    isInt(value['price_cents']) &&
    min(value['price_cents'], 0) &&
    max(value['price_cents'], MAX_PRICE_CENTS) &&
    isIn(value['currency'], CURRENCIES)
  );
}

function quantityIsValid(value: unknown): boolean {
  return isInt(value) && min(value, 1) && max(value, MAX_QUANTITY);
}

/** @IsArray @ArrayMinSize(1) @ValidateNested({ each: true }) of LineItemDto. */
function itemsAreValid(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1) return false;
  for (const item of value) {
    if (!productIsValid(item, LINE_ITEM_KEYS) || !quantityIsValid(item['quantity'])) return false;
  }
  return true;
}
