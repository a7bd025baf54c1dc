import {
  sampleAddToCart,
  sampleEventId,
  samplePageView,
  samplePurchase,
  sampleRemoveFromCart,
  sampleSearch,
  type AddToCartEvent,
  type PageViewEvent,
  type PurchaseEvent,
  type RemoveFromCartEvent,
  type SearchEvent,
  type ShopEvent,
} from '@pipeline/events';

/**
 * Contract-valid events of every kind for tests and the benchmark: thin names over the one event test factory,
 * the kinds' samples in @pipeline/events (sampleSearch...), so they move with the contract.
 */

/** A deterministic, valid v4-shaped UUID per number. */
export const uuidFor = sampleEventId;

export function pageView(overrides: Partial<PageViewEvent> = {}): PageViewEvent {
  return { ...(samplePageView() as PageViewEvent), ...overrides };
}

export function purchase(overrides: Partial<PurchaseEvent> = {}): PurchaseEvent {
  return { ...(samplePurchase() as PurchaseEvent), ...overrides };
}

export const search = (overrides: Partial<SearchEvent> = {}): SearchEvent => sampleSearch(overrides);
export const addToCart = (overrides: Partial<AddToCartEvent> = {}): AddToCartEvent => sampleAddToCart(overrides);
export const removeFromCart = (overrides: Partial<RemoveFromCartEvent> = {}): RemoveFromCartEvent =>
  sampleRemoveFromCart(overrides);

const MAKERS: readonly ((n: number, time: string) => ShopEvent)[] = [
  (n, time) => pageView({ event_id: uuidFor(n), event_time: time }),
  (n, time) => pageView({ event_id: uuidFor(n), event_time: time, page: '/', product: null }),
  (n, time) => search({ event_id: uuidFor(n), event_time: time }),
  (n, time) => addToCart({ event_id: uuidFor(n), event_time: time }),
  (n, time) => pageView({ event_id: uuidFor(n), event_time: time }),
  (n, time) => removeFromCart({ event_id: uuidFor(n), event_time: time }),
  (n, time) => pageView({ event_id: uuidFor(n), event_time: time }),
  (n, time) => purchase({ event_id: uuidFor(n), event_time: time }),
];

/**
 * `count` valid events with unique ids, one every `stepMs` from `startIso`, cycling through the kinds
 * (half page views, 1 in 8 purchases).
 */
export function eventMix(count: number, startIso: string, stepMs = 10, firstId = 1): ShopEvent[] {
  const start = Date.parse(startIso);
  const events: ShopEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(MAKERS[i % MAKERS.length](firstId + i, new Date(start + i * stepMs).toISOString()));
  }
  return events;
}

/** Marks a field to delete in `edit`. */
export const REMOVE = Symbol('remove');

/**
 * A deep copy of the event with fields set (or REMOVEd) by dotted path, e.g. `{ 'items.1.currency': 'JPY' }`:
 * the shape of a bad message as it would arrive, which the typed fixtures cannot express.
 */
export function edit(event: ShopEvent, changes: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const segments = path.split('.');
    const last = segments.pop() as string;
    let target = copy;
    for (const segment of segments) target = target[segment] as Record<string, unknown>;
    if (value === REMOVE) delete target[last];
    else target[last] = value;
  }
  return copy;
}
