import {
  samplePageView,
  samplePurchase,
  type AddToCartEvent,
  type EventEnvelope,
  type PageViewEvent,
  type PurchaseEvent,
  type RemoveFromCartEvent,
  type SearchEvent,
  type ShopEvent,
} from '@pipeline/events';

/**
 * Contract-valid events of every kind for tests and the benchmark, built from the shared fixtures
 * (samplePageView / samplePurchase) so they move with the contract.
 */

/** A deterministic, valid v4-shaped UUID per number. */
export function uuidFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function pageView(overrides: Partial<PageViewEvent> = {}): PageViewEvent {
  return { ...(samplePageView() as PageViewEvent), ...overrides };
}

export function purchase(overrides: Partial<PurchaseEvent> = {}): PurchaseEvent {
  return { ...(samplePurchase() as PurchaseEvent), ...overrides };
}

function envelope(): Omit<EventEnvelope, 'event_type'> {
  const view = pageView();
  return {
    event_id: view.event_id,
    schema_version: view.schema_version,
    event_time: view.event_time,
    user_id: view.user_id,
    session_id: view.session_id,
    device: { ...view.device },
    country: view.country,
    page: view.page,
    referrer: view.referrer,
  };
}

export function search(overrides: Partial<SearchEvent> = {}): SearchEvent {
  return { ...envelope(), event_type: 'search', page: '/search', query: 'blue mug', results_count: 12, ...overrides };
}

export function addToCart(overrides: Partial<AddToCartEvent> = {}): AddToCartEvent {
  const product = pageView().product;
  if (!product) throw new Error('fixture page view lost its product');
  return { ...envelope(), event_type: 'add_to_cart', product, quantity: 2, ...overrides };
}

export function removeFromCart(overrides: Partial<RemoveFromCartEvent> = {}): RemoveFromCartEvent {
  return { ...addToCart(), event_type: 'remove_from_cart', quantity: 1, ...overrides };
}

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
