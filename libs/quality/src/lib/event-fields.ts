import { EVENT_TYPES, type EventType, type LineItem, type ShopEvent } from '@pipeline/events';

/**
 * The fields the required and data-type rules look at, per event kind, named by their EVENT_COLUMNS column.
 * Unlike EVENT_COLUMNS.read (which derives stored values: parses times, sums quantities, serialises items)
 * these read the raw field, null-safely, so the rules stay cheap and work on events that skipped the contract.
 */

export type FieldType = 'string' | 'integer' | 'timestamp' | 'array' | 'object';

/** Where a rule reads its values: the event, and/or every line item of a purchase (no per-event arrays). */
export interface ValueSource {
  read?: (event: ShopEvent) => unknown;
  readItem?: (item: LineItem) => unknown;
}

export interface EventField extends ValueSource {
  column: string;
  type: FieldType;
  /** Null, undefined, '' or [] fail the required rule. */
  required: boolean;
  appliesTo: readonly EventType[];
}

/** Loose views: rules must survive events that are not what their type says. */
type Loose = Record<string, unknown>;
const loose = (event: ShopEvent) => event as unknown as Loose;
const deviceOf = (event: ShopEvent) => loose(event)['device'] as Loose | null | undefined;
const productOf = (event: ShopEvent) => loose(event)['product'] as Loose | null | undefined;

const ALL: readonly EventType[] = EVENT_TYPES;
const PRODUCT_VIEW: readonly EventType[] = ['page_view'];
const CART: readonly EventType[] = ['add_to_cart', 'remove_from_cart'];
const PURCHASE: readonly EventType[] = ['purchase'];
const SEARCH: readonly EventType[] = ['search'];

function field(
  column: string,
  type: FieldType,
  required: boolean,
  appliesTo: readonly EventType[],
  source: ValueSource,
): EventField {
  return { column, type, required, appliesTo, ...source };
}

function productFields(appliesTo: readonly EventType[], required: boolean): EventField[] {
  return [
    field('product_id', 'string', required, appliesTo, { read: (e) => productOf(e)?.['product_id'] }),
    field('product_name', 'string', required, appliesTo, { read: (e) => productOf(e)?.['name'] }),
    field('category', 'string', required, appliesTo, { read: (e) => productOf(e)?.['category'] }),
    field('price_cents', 'integer', required, appliesTo, { read: (e) => productOf(e)?.['price_cents'] }),
    field('currency', 'string', required, appliesTo, { read: (e) => productOf(e)?.['currency'] }),
  ];
}

export const EVENT_FIELDS: readonly EventField[] = [
  field('event_id', 'string', true, ALL, { read: (e) => e.event_id }),
  field('event_type', 'string', true, ALL, { read: (e) => e.event_type }),
  field('schema_version', 'integer', true, ALL, { read: (e) => e.schema_version }),
  field('event_time', 'timestamp', true, ALL, { read: (e) => e.event_time }),
  field('user_id', 'string', true, ALL, { read: (e) => e.user_id }),
  field('session_id', 'string', true, ALL, { read: (e) => e.session_id }),
  field('device_type', 'string', true, ALL, { read: (e) => deviceOf(e)?.['type'] }),
  field('device_os', 'string', true, ALL, { read: (e) => deviceOf(e)?.['os'] }),
  field('device_browser', 'string', true, ALL, { read: (e) => deviceOf(e)?.['browser'] }),
  field('country', 'string', true, ALL, { read: (e) => e.country }),
  field('page', 'string', false, ALL, { read: (e) => e.page }),
  field('referrer', 'string', false, ALL, { read: (e) => e.referrer }),
  ...productFields(PRODUCT_VIEW, false),
  ...productFields(CART, true),
  field('quantity', 'integer', true, CART, { read: (e) => loose(e)['quantity'] }),
  field('query', 'string', true, SEARCH, { read: (e) => loose(e)['query'] }),
  field('results_count', 'integer', true, SEARCH, { read: (e) => loose(e)['results_count'] }),
  field('order_id', 'string', true, PURCHASE, { read: (e) => loose(e)['order_id'] }),
  field('items_json', 'array', true, PURCHASE, { read: (e) => loose(e)['items'] }),
  field('product_id', 'string', true, PURCHASE, { readItem: (i) => i.product_id }),
  field('product_name', 'string', true, PURCHASE, { readItem: (i) => i.name }),
  field('category', 'string', true, PURCHASE, { readItem: (i) => i.category }),
  field('price_cents', 'integer', true, PURCHASE, { readItem: (i) => i.price_cents }),
  field('quantity', 'integer', true, PURCHASE, { readItem: (i) => i.quantity }),
  field('currency', 'string', true, PURCHASE, { read: (e) => loose(e)['currency'], readItem: (i) => i.currency }),
  field('revenue_cents', 'integer', true, PURCHASE, { read: (e) => loose(e)['revenue_cents'] }),
  field('payment_method', 'string', true, PURCHASE, { read: (e) => loose(e)['payment_method'] }),
];

/** The line items of a purchase when they are an array; anything else yields none (the required rule reports it). */
export function lineItemsOf(event: ShopEvent): readonly LineItem[] | undefined {
  if (event.event_type !== 'purchase') return undefined;
  const items: unknown = event.items;
  return Array.isArray(items) ? (items as LineItem[]) : undefined;
}

/** Groups fields (or rules) by the event kinds they apply to, so evaluation only walks what concerns an event. */
export function groupByEventType<T extends { appliesTo?: readonly EventType[] }>(
  things: readonly T[],
): Record<EventType, T[]> {
  const groups = Object.fromEntries(EVENT_TYPES.map((type) => [type, [] as T[]])) as Record<EventType, T[]>;
  for (const thing of things) {
    for (const type of thing.appliesTo ?? EVENT_TYPES) groups[type].push(thing);
  }
  return groups;
}
