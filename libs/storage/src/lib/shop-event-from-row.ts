import { SCHEMA_VERSION, type Currency, type EventRow, type LineItem, type ProductRef, type ShopEvent } from '@pipeline/events';

/**
 * The inverse of toEventRow: rebuilds the ShopEvent a stored row came from. The flat columns hold
 * every field of the contract (purchase lines as items_json), so nothing is lost by storing rows.
 */
export function shopEventFromRow(row: EventRow): ShopEvent {
  const envelope = {
    event_id: text(row, 'event_id'),
    schema_version: row['schema_version'] === null ? SCHEMA_VERSION : num(row, 'schema_version'),
    event_time: new Date(num(row, 'event_time')).toISOString(),
    user_id: text(row, 'user_id'),
    session_id: text(row, 'session_id'),
    device: {
      type: text(row, 'device_type'),
      os: text(row, 'device_os'),
      browser: text(row, 'device_browser'),
    },
    country: text(row, 'country'),
    page: optionalText(row, 'page'),
    referrer: optionalText(row, 'referrer'),
  };
  const eventType = text(row, 'event_type');
  switch (eventType) {
    case 'page_view':
      return { ...envelope, event_type: eventType, product: row['product_id'] === null ? null : product(row) } as ShopEvent;
    case 'search':
      return { ...envelope, event_type: eventType, query: text(row, 'query'), results_count: num(row, 'results_count') } as ShopEvent;
    case 'add_to_cart':
    case 'remove_from_cart':
      return { ...envelope, event_type: eventType, product: product(row), quantity: num(row, 'quantity') } as ShopEvent;
    case 'purchase':
      return {
        ...envelope,
        event_type: eventType,
        order_id: text(row, 'order_id'),
        items: JSON.parse(text(row, 'items_json')) as LineItem[],
        revenue_cents: num(row, 'revenue_cents'),
        currency: text(row, 'currency') as Currency,
        payment_method: text(row, 'payment_method'),
      } as ShopEvent;
    default:
      throw new Error(`row ${String(row['event_id'])}: unknown event_type ${eventType}`);
  }
}

function product(row: EventRow): ProductRef {
  return {
    product_id: text(row, 'product_id'),
    name: text(row, 'product_name'),
    category: text(row, 'category'),
    price_cents: num(row, 'price_cents'),
    currency: text(row, 'currency') as Currency,
  };
}

function text(row: EventRow, name: string): string {
  const value = row[name];
  if (typeof value !== 'string') throw new Error(`row ${String(row['event_id'])}: ${name} must be a string, got ${value}`);
  return value;
}

function optionalText(row: EventRow, name: string): string | null {
  return row[name] === null || row[name] === undefined ? null : text(row, name);
}

function num(row: EventRow, name: string): number {
  const value = row[name];
  if (typeof value !== 'number') throw new Error(`row ${String(row['event_id'])}: ${name} must be a number, got ${value}`);
  return value;
}
