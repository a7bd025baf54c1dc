import { EVENT_KINDS, eventKind, type EventOf, type EventType, type ShopEvent } from './event-kinds';
import { removeFromCartKind, type AddToCartEvent, type RemoveFromCartEvent } from './kinds/cart';
import type { SearchEvent } from './kinds/search';

/**
 * Small hand-made events for tests across the workspace (valid against the contract), built from each kind's
 * `sample`: the one event test factory; the storage and quality test helpers build on it.
 * The generator builds realistic streams; these are for asserting exact outcomes.
 */
export function sampleEvent<T extends EventType>(type: T, overrides: Partial<EventOf<T>> = {}): EventOf<T> {
  return { ...eventKind(type).sample(), ...overrides };
}

/** One sample of every kind, in registry order. */
export function sampleEventOfEachKind(): ShopEvent[] {
  return EVENT_KINDS.map((kind) => kind.sample() as ShopEvent);
}

/** A deterministic, valid v4-shaped UUID per number. */
export function sampleEventId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function samplePageView(overrides: Partial<ShopEvent> = {}): ShopEvent {
  return { ...eventKind('page_view').sample(), ...overrides } as ShopEvent;
}

export function sampleSearch(overrides: Partial<SearchEvent> = {}): SearchEvent {
  return sampleEvent('search', overrides);
}

export function sampleAddToCart(overrides: Partial<AddToCartEvent> = {}): AddToCartEvent {
  return sampleEvent('add_to_cart', overrides);
}

export function sampleRemoveFromCart(overrides: Partial<RemoveFromCartEvent> = {}): RemoveFromCartEvent {
  return { ...removeFromCartKind.sample(), ...overrides };
}

export function samplePurchase(overrides: Partial<ShopEvent> = {}): ShopEvent {
  return { ...eventKind('purchase').sample(), ...overrides } as ShopEvent;
}
