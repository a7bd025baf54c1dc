import type { ShopEvent } from './event.types';
import { eventTimeMillis } from './event-time-parsing';

/**
 * The one list of columns of a stored event. The Parquet schema (libs/storage), the CSV header and
 * the row mapping are all derived from it, so a field cannot be added in one place and forgotten in another.
 * Types are engine-neutral; storage maps them to Parquet physical/logical types.
 */
export type ColumnType = 'string' | 'int32' | 'int64' | 'timestamp_millis';

export interface EventColumn<T = unknown> {
  name: string;
  type: ColumnType;
  /** Required columns are non-null for every event kind. */
  required: boolean;
  description: string;
  read: (event: ShopEvent) => T | null;
}

function column<T>(
  name: string,
  type: ColumnType,
  required: boolean,
  description: string,
  read: (event: ShopEvent) => T | null | undefined,
): EventColumn<T> {
  return { name, type, required, description, read: (event) => read(event) ?? null };
}

const productOf = (e: ShopEvent) =>
  e.event_type === 'page_view' || e.event_type === 'add_to_cart' || e.event_type === 'remove_from_cart'
    ? e.product
    : null;

export const EVENT_COLUMNS: readonly EventColumn[] = [
  column('event_id', 'string', true, 'UUID of the event; unique across the stream', (e) => e.event_id),
  column('event_type', 'string', true, 'page_view | search | add_to_cart | remove_from_cart | purchase', (e) => e.event_type),
  column('schema_version', 'int32', true, 'version of the event contract', (e) => e.schema_version),
  column('event_time', 'timestamp_millis', true, 'when the event happened (UTC, ms)', (e) => eventTimeMillis(e.event_time)),
  column('user_id', 'string', true, 'user id', (e) => e.user_id),
  column('session_id', 'string', true, 'session id; the Kafka key', (e) => e.session_id),
  column('device_type', 'string', true, 'desktop | mobile | tablet', (e) => e.device.type),
  column('device_os', 'string', true, 'operating system', (e) => e.device.os),
  column('device_browser', 'string', true, 'browser', (e) => e.device.browser),
  column('country', 'string', true, 'ISO 3166-1 alpha-2', (e) => e.country),
  column('page', 'string', false, 'page path', (e) => e.page),
  column('referrer', 'string', false, 'referrer URL', (e) => e.referrer),
  column('product_id', 'string', false, 'product (page_view of a product, cart events)', (e) => productOf(e)?.product_id),
  column('product_name', 'string', false, 'product name', (e) => productOf(e)?.name),
  column('category', 'string', false, 'product category', (e) => productOf(e)?.category),
  column('price_cents', 'int64', false, 'unit price in cents', (e) => productOf(e)?.price_cents),
  column('quantity', 'int32', false, 'units added/removed (cart events) or bought (purchase)', (e) =>
    e.event_type === 'purchase' ? e.items.reduce((n, i) => n + i.quantity, 0) : 'quantity' in e ? e.quantity : null,
  ),
  column('query', 'string', false, 'search text', (e) => (e.event_type === 'search' ? e.query : null)),
  column('results_count', 'int32', false, 'search results', (e) => (e.event_type === 'search' ? e.results_count : null)),
  column('order_id', 'string', false, 'order id (purchase)', (e) => (e.event_type === 'purchase' ? e.order_id : null)),
  column('revenue_cents', 'int64', false, 'order total in cents = sum of line items (purchase)', (e) =>
    e.event_type === 'purchase' ? e.revenue_cents : null,
  ),
  column('currency', 'string', false, 'ISO 4217', (e) =>
    e.event_type === 'purchase' ? e.currency : productOf(e)?.currency,
  ),
  column('payment_method', 'string', false, 'payment method (purchase)', (e) =>
    e.event_type === 'purchase' ? e.payment_method : null,
  ),
  column('items_json', 'string', false, 'line items as a JSON array (purchase)', (e) =>
    e.event_type === 'purchase' ? JSON.stringify(e.items) : null,
  ),
];

export type EventRow = Record<string, string | number | null>;

export function toEventRow(event: ShopEvent): EventRow {
  const row: EventRow = {};
  for (const col of EVENT_COLUMNS) row[col.name] = col.read(event) as string | number | null;
  return row;
}
