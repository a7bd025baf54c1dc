import { addToCartKind, removeFromCartKind, type AddToCartEvent, type RemoveFromCartEvent } from './kinds/cart';
import type { EventKind } from './kinds/event-kind';
import { pageViewKind, type PageViewEvent } from './kinds/page-view';
import { purchaseKind, type PurchaseEvent } from './kinds/purchase';
import { searchKind, type SearchEvent } from './kinds/search';

/**
 * The registry of event kinds: one module per kind under `kinds/`, listed here once. Every list of kinds in the
 * workspace is derived from this one (EVENT_TYPES, the DTO map, the fast check, stored columns, quality fields,
 * row decoding, summary columns, chart palette, OpenAPI enum), in this order. To add a kind: write its module
 * (copy search.ts), add it here, and teach the simulation (libs/simulation session.ts) when to emit it.
 */
export const EVENT_KINDS = [pageViewKind, searchKind, addToCartKind, removeFromCartKind, purchaseKind] as const;

/** Any event of the contract, discriminated by `event_type`: one member per entry of EVENT_KINDS. */
export type ShopEvent = PageViewEvent | SearchEvent | AddToCartEvent | RemoveFromCartEvent | PurchaseEvent;
export type EventType = ShopEvent['event_type'];

// Compile-time check that ShopEvent and EVENT_KINDS list the same kinds.
type EventOfKind<K> = K extends EventKind<infer E> ? E : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const KINDS_MATCH_SHOP_EVENT: Same<EventOfKind<(typeof EVENT_KINDS)[number]>, ShopEvent> = true;
void KINDS_MATCH_SHOP_EVENT;
/** The event type of one kind, e.g. `EventOf<'search'>` is SearchEvent. */
export type EventOf<T extends EventType> = Extract<ShopEvent, { event_type: T }>;

export const EVENT_TYPES: readonly EventType[] = Object.freeze(EVENT_KINDS.map((kind) => kind.type));

// A Map, not an object: event_type comes off the wire, and "constructor" or "__proto__" must not find a kind.
const KIND_BY_TYPE: ReadonlyMap<string, EventKind<ShopEvent>> = new Map(
  EVENT_KINDS.map((kind) => [kind.type, kind as unknown as EventKind<ShopEvent>]),
);
if (KIND_BY_TYPE.size !== EVENT_KINDS.length) throw new Error('two event kinds share an event_type');

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && KIND_BY_TYPE.has(value);
}

/** The kind of a known type. */
export function eventKind<T extends EventType>(type: T): EventKind<EventOf<T>> {
  const kind = KIND_BY_TYPE.get(type);
  if (!kind) throw new Error(`unknown event_type ${JSON.stringify(type)}`);
  return kind as unknown as EventKind<EventOf<T>>;
}

/** The kind of an untrusted value, or undefined when it names none. */
export function findEventKind(type: unknown): EventKind<ShopEvent> | undefined {
  return typeof type === 'string' ? KIND_BY_TYPE.get(type) : undefined;
}

/** The class-validator DTO of each kind. */
export const EVENT_DTO_BY_TYPE: Readonly<Record<EventType, new () => object>> = Object.freeze(
  Object.fromEntries(EVENT_KINDS.map((kind) => [kind.type, kind.dto])) as Record<EventType, new () => object>,
);

/** One value per kind, in registry order, e.g. `byEventType(() => 0)` for counters. */
export function byEventType<V>(value: (type: EventType) => V): Record<EventType, V> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, value(type)])) as Record<EventType, V>;
}
