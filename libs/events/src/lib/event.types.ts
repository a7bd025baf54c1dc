/**
 * The contract's shared vocabulary: allowed values and schema limits every kind may use. Field names are
 * snake_case because they are the wire format (JSON on Kafka) and the column names in Parquet/CSV; renaming one
 * is a schema change. Each event kind (its type, DTO, columns...) lives in its own module under `kinds/`, and
 * `event-kinds.ts` is the registry of them (EVENT_TYPES, ShopEvent).
 */

export const SCHEMA_VERSION = 1;

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PAYMENT_METHODS = ['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer', 'gift_card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Schema limits, not business rules: business bounds (price ceilings, clock skew) belong to the quality rules. */
export const MAX_QUANTITY = 1_000;
export const MAX_PRICE_CENTS = 100_000_000;
export const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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

export function lineItemsRevenueCents(items: readonly LineItem[]): number {
  let total = 0;
  for (const item of items) total += item.price_cents * item.quantity;
  return total;
}

export type { EventEnvelope } from './kinds/envelope';
export type { PageViewEvent } from './kinds/page-view';
export type { SearchEvent } from './kinds/search';
export type { AddToCartEvent, RemoveFromCartEvent } from './kinds/cart';
export type { PurchaseEvent } from './kinds/purchase';
export type { EventType, ShopEvent } from './event-kinds';
