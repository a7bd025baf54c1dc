/**
 * The typed contract every app shares. Field names are snake_case because they are the wire format
 * (JSON on Kafka) and the column names in Parquet/CSV; renaming one is a schema change.
 */

export const SCHEMA_VERSION = 1;

export const EVENT_TYPES = ['page_view', 'search', 'add_to_cart', 'remove_from_cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PAYMENT_METHODS = ['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer', 'gift_card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Device {
  type: DeviceType;
  os: string;
  browser: string;
}

/** Money is integer cents everywhere: floats cannot hold 0.10 exactly and revenue must add up to the cent. */
export interface ProductRef {
  product_id: string;
  name: string;
  category: string;
  price_cents: number;
  currency: Currency;
}

export interface LineItem extends ProductRef {
  quantity: number;
}

export interface EventEnvelope {
  event_id: string;
  event_type: EventType;
  schema_version: number;
  /** ISO-8601 UTC with millisecond precision, e.g. 2026-11-27T16:49:01.123Z. */
  event_time: string;
  user_id: string;
  session_id: string;
  device: Device;
  /** ISO 3166-1 alpha-2. */
  country: string;
  page: string | null;
  referrer: string | null;
}

export interface PageViewEvent extends EventEnvelope {
  event_type: 'page_view';
  /** Set on product detail pages, null on home/category/cart pages. */
  product: ProductRef | null;
}

export interface SearchEvent extends EventEnvelope {
  event_type: 'search';
  query: string;
  results_count: number;
}

export interface AddToCartEvent extends EventEnvelope {
  event_type: 'add_to_cart';
  product: ProductRef;
  quantity: number;
}

export interface RemoveFromCartEvent extends EventEnvelope {
  event_type: 'remove_from_cart';
  product: ProductRef;
  quantity: number;
}

export interface PurchaseEvent extends EventEnvelope {
  event_type: 'purchase';
  order_id: string;
  items: LineItem[];
  /** Always the exact sum of price_cents * quantity over items. */
  revenue_cents: number;
  currency: Currency;
  payment_method: PaymentMethod;
}

export type ShopEvent = PageViewEvent | SearchEvent | AddToCartEvent | RemoveFromCartEvent | PurchaseEvent;

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export function lineItemsRevenueCents(items: readonly LineItem[]): number {
  let total = 0;
  for (const item of items) total += item.price_cents * item.quantity;
  return total;
}
