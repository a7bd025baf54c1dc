import { EVENT_KINDS, EVENT_TYPES, type EventType, type ShopEvent } from './event-kinds';
import { ENVELOPE_COLUMNS } from './kinds/envelope';
import type { ColumnValue } from './kinds/event-kind';
import type { EventRow } from './kinds/row-values';

export type { EventRow } from './kinds/row-values';

/**
 * The one list of columns of a stored event. The Parquet schema (libs/storage), the CSV header and the row
 * mapping are all derived from it, so a field cannot be added in one place and forgotten in another.
 * Types are engine-neutral; storage maps them to Parquet physical/logical types.
 *
 * This file fixes the columns' names, types and order (the layout of every stored file); how each kind fills
 * them is in the kind's module (`columns`). A kind that brings a new field adds its column at the end here.
 */
export type ColumnType = 'string' | 'int32' | 'int64' | 'timestamp_millis';

interface ColumnDefinition {
  name: string;
  type: ColumnType;
  /** Required columns are non-null for every event kind. */
  required: boolean;
  description: string;
}

const column = (name: string, type: ColumnType, required: boolean, description: string) =>
  ({ name, type, required, description }) as const satisfies ColumnDefinition;

const EVENT_COLUMN_LAYOUT = [
  column('event_id', 'string', true, 'UUID of the event; unique across the stream'),
  column('event_type', 'string', true, EVENT_TYPES.join(' | ')),
  column('schema_version', 'int32', true, 'version of the event contract'),
  column('event_time', 'timestamp_millis', true, 'when the event happened (UTC, ms)'),
  column('user_id', 'string', true, 'user id'),
  column('session_id', 'string', true, 'session id; the Kafka key'),
  column('device_type', 'string', true, 'desktop | mobile | tablet'),
  column('device_os', 'string', true, 'operating system'),
  column('device_browser', 'string', true, 'browser'),
  column('country', 'string', true, 'ISO 3166-1 alpha-2'),
  column('page', 'string', false, 'page path'),
  column('referrer', 'string', false, 'referrer URL'),
  column('product_id', 'string', false, 'product (page_view of a product, cart events)'),
  column('product_name', 'string', false, 'product name'),
  column('category', 'string', false, 'product category'),
  column('price_cents', 'int64', false, 'unit price in cents'),
  column('quantity', 'int32', false, 'units added/removed (cart events) or bought (purchase)'),
  column('query', 'string', false, 'search text'),
  column('results_count', 'int32', false, 'search results'),
  column('order_id', 'string', false, 'order id (purchase)'),
  column('revenue_cents', 'int64', false, 'order total in cents = sum of line items (purchase)'),
  column('currency', 'string', false, 'ISO 4217'),
  column('payment_method', 'string', false, 'payment method (purchase)'),
  column('items_json', 'string', false, 'line items as a JSON array (purchase)'),
];

export type EventColumnName = (typeof EVENT_COLUMN_LAYOUT)[number]['name'];

export interface EventColumn<T = unknown> extends ColumnDefinition {
  read: (event: ShopEvent) => T | null;
}

type ColumnRead = (event: ShopEvent) => ColumnValue | null | undefined;

function columnReader(name: EventColumnName): (event: ShopEvent) => ColumnValue | null {
  const envelopeRead = ENVELOPE_COLUMNS[name] as ColumnRead | undefined;
  if (envelopeRead) return (event) => envelopeRead(event) ?? null;
  const types: EventType[] = [];
  const reads: ColumnRead[] = [];
  for (const kind of EVENT_KINDS) {
    const read = kind.columns[name] as ColumnRead | undefined;
    if (read) {
      types.push(kind.type);
      reads.push(read);
    }
  }
  // Comparisons with the few kinds that fill the column, not a lookup keyed by event_type: JSON.parse leaves its
  // longer strings (add_to_cart, remove_from_cart) uninternalized, and a lookup keyed by such a string searches V8's
  // string table for every value. This is the Parquet writer's inner loop: all columns of 8,000 parsed events,
  // ~850-950 -> ~550-700 ns per event (bench/profile/column-reads.ts); ~0.6 µs per event in a drain profile before.
  if (types.length === 1) {
    const [type] = types;
    const [read] = reads;
    return (event) => (event.event_type === type ? (read(event) ?? null) : null);
  }
  return (event) => {
    const type = event.event_type;
    for (let i = 0; i < types.length; i++) if (types[i] === type) return reads[i](event) ?? null;
    return null;
  };
}

const LAYOUT_NAMES: ReadonlySet<string> = new Set(EVENT_COLUMN_LAYOUT.map((c) => c.name));
for (const kind of EVENT_KINDS) {
  for (const name of Object.keys(kind.columns)) {
    if (!LAYOUT_NAMES.has(name)) throw new Error(`event kind ${kind.type} fills column ${name}, which EVENT_COLUMNS lacks`);
  }
}

export const EVENT_COLUMNS: readonly EventColumn[] = EVENT_COLUMN_LAYOUT.map((definition) => ({
  ...definition,
  read: columnReader(definition.name),
}));

export function toEventRow(event: ShopEvent): EventRow {
  const row: EventRow = {};
  for (const col of EVENT_COLUMNS) row[col.name] = col.read(event) as string | number | null;
  return row;
}
