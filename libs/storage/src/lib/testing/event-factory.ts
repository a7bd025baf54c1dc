import {
  lineItemsRevenueCents,
  sampleAddToCart,
  sampleEvent,
  sampleRemoveFromCart,
  sampleSearch,
  SCHEMA_VERSION,
  type DeviceType,
  type EventEnvelope,
  type LineItem,
  type ProductRef,
  type ShopEvent,
} from '@pipeline/events';

/**
 * Deterministic events of every kind for the storage tests (no faker: exact, reproducible figures): the kinds'
 * samples from @pipeline/events (the one event test factory) with an envelope numbered and timed per `EventSpec`.
 */

export const PRODUCTS: readonly ProductRef[] = [
  { product_id: 'p-0001', name: 'Blue Mug', category: 'Home', price_cents: 1299, currency: 'USD' },
  { product_id: 'p-0002', name: 'Tea, "Earl Grey"', category: 'Grocery', price_cents: 10, currency: 'USD' },
  { product_id: 'p-0003', name: 'Pen', category: 'Office', price_cents: 30, currency: 'USD' },
];

export interface EventSpec {
  n: number;
  time: string;
  session?: string;
  user?: string;
  device?: DeviceType;
}

function envelope(spec: EventSpec): Omit<EventEnvelope, 'event_type'> {
  return {
    event_id: `00000000-0000-4000-8000-${String(spec.n).padStart(12, '0')}`,
    schema_version: SCHEMA_VERSION,
    event_time: spec.time,
    user_id: spec.user ?? 'u-1',
    session_id: spec.session ?? 's-1',
    device: { type: spec.device ?? 'desktop', os: 'Linux', browser: 'Firefox' },
    country: 'DE',
    page: '/p',
    referrer: null,
  };
}

export const pageView = (spec: EventSpec, product: ProductRef | null = PRODUCTS[0]): ShopEvent =>
  sampleEvent('page_view', { ...envelope(spec), product });

export const search = (spec: EventSpec, query = 'mug'): ShopEvent => sampleSearch({ ...envelope(spec), query, results_count: 3 });

export const addToCart = (spec: EventSpec, product = PRODUCTS[0], quantity = 1): ShopEvent =>
  sampleAddToCart({ ...envelope(spec), product, quantity });

export const removeFromCart = (spec: EventSpec, product = PRODUCTS[0], quantity = 1): ShopEvent =>
  sampleRemoveFromCart({ ...envelope(spec), product, quantity });

export function purchase(spec: EventSpec, lines: Array<[ProductRef, number]>): ShopEvent {
  const items: LineItem[] = lines.map(([p, quantity]) => ({ ...p, quantity }));
  return sampleEvent('purchase', {
    ...envelope(spec),
    order_id: `o-${spec.n}`,
    items,
    revenue_cents: lineItemsRevenueCents(items),
    currency: 'USD',
    payment_method: 'card',
  });
}

/** A small PRNG so "random" streams are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` events of all kinds spread evenly over [fromIso, fromIso + hours). */
export function eventStream(count: number, fromIso: string, hours: number, seed = 1): ShopEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const start = Date.parse(fromIso);
  const step = (hours * 3_600_000) / count;
  const events: ShopEvent[] = [];
  for (let n = 0; n < count; n++) {
    const spec: EventSpec = {
      n,
      time: new Date(start + Math.floor(n * step)).toISOString(),
      session: `s-${Math.floor(random() * 12)}`,
      user: `u-${Math.floor(random() * 8)}`,
      device: pick(['desktop', 'mobile', 'tablet'] as const),
    };
    const kind = random();
    const product = pick(PRODUCTS);
    if (kind < 0.35) events.push(pageView(spec, random() < 0.2 ? null : product));
    else if (kind < 0.5) events.push(search(spec));
    else if (kind < 0.7) events.push(addToCart(spec, product, 1 + Math.floor(random() * 3)));
    else if (kind < 0.8) events.push(removeFromCart(spec, product));
    else events.push(purchase(spec, [[product, 1 + Math.floor(random() * 3)], [PRODUCTS[1], 3]]));
  }
  return events;
}
