import { SCHEMA_VERSION, type ShopEvent } from './event.types';

/**
 * Small hand-made events for tests across the workspace (valid against the contract).
 * The generator builds realistic streams; these are for asserting exact outcomes.
 */
export function samplePageView(overrides: Partial<ShopEvent> = {}): ShopEvent {
  return {
    event_id: '0b0e8a52-8c1f-4c2a-9d55-2d0e3f0a1b01',
    event_type: 'page_view',
    schema_version: SCHEMA_VERSION,
    event_time: '2026-11-27T10:15:30.123Z',
    user_id: 'u-0001',
    session_id: 's-0001',
    device: { type: 'mobile', os: 'iOS', browser: 'Safari' },
    country: 'US',
    page: '/product/p-0001',
    referrer: null,
    product: { product_id: 'p-0001', name: 'Blue Mug', category: 'Home', price_cents: 1299, currency: 'USD' },
    ...overrides,
  } as ShopEvent;
}

export function samplePurchase(overrides: Partial<ShopEvent> = {}): ShopEvent {
  return {
    event_id: '0b0e8a52-8c1f-4c2a-9d55-2d0e3f0a1b02',
    event_type: 'purchase',
    schema_version: SCHEMA_VERSION,
    event_time: '2026-11-27T10:20:00.000Z',
    user_id: 'u-0001',
    session_id: 's-0001',
    device: { type: 'mobile', os: 'iOS', browser: 'Safari' },
    country: 'US',
    page: '/checkout',
    referrer: null,
    order_id: 'o-0001',
    items: [
      { product_id: 'p-0001', name: 'Blue Mug', category: 'Home', price_cents: 1299, currency: 'USD', quantity: 2 },
      { product_id: 'p-0002', name: 'Tea', category: 'Grocery', price_cents: 450, currency: 'USD', quantity: 1 },
    ],
    revenue_cents: 3048,
    currency: 'USD',
    payment_method: 'card',
    ...overrides,
  } as ShopEvent;
}
