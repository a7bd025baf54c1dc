import {
  ENVELOPE_QUALITY_FIELDS,
  EVENT_KINDS,
  EVENT_TYPES,
  type EventType,
  type LineItem,
  type QualityField,
  type QualityFieldType,
  type ShopEvent,
} from '@pipeline/events';

/**
 * The fields the required and data-type rules look at, per event kind, named by their EVENT_COLUMNS column.
 * Each kind lists its own (`qualityFields` in its module in libs/events); this file only collects them.
 * Unlike EVENT_COLUMNS.read (which derives stored values: parses times, sums quantities, serialises items)
 * these read the raw field, null-safely, so the rules stay cheap and work on events that skipped the contract.
 */

export type FieldType = QualityFieldType;

/** Where a rule reads its values: the event, and/or every line item of a purchase (no per-event arrays). */
export interface ValueSource {
  read?: (event: ShopEvent) => unknown;
  readItem?: (item: LineItem) => unknown;
}

export interface EventField extends ValueSource {
  column: string;
  type: FieldType;
  /** Null, undefined, '' or [] fail the required rule. */
  required: boolean;
  appliesTo: readonly EventType[];
}

/** One shape for every field (absent sources as undefined): the rules' field loops stay monomorphic. */
function withKinds(field: QualityField<never>, appliesTo: readonly EventType[]): EventField {
  const { column, type, required, read, readItem } = field as unknown as QualityField<ShopEvent>;
  return { column, type, required, appliesTo, read, readItem };
}

/** The envelope's fields (every kind), then each kind's own, from the kinds' modules in libs/events. */
export const EVENT_FIELDS: readonly EventField[] = [
  ...ENVELOPE_QUALITY_FIELDS.map((field) => withKinds(field, EVENT_TYPES)),
  ...EVENT_KINDS.flatMap((kind) => kind.qualityFields.map((field) => withKinds(field, [kind.type]))),
];

/** The event kinds that have a field in a column, e.g. `price_cents` (a product or purchase lines). */
export function eventTypesWithField(column: string, where: (field: EventField) => boolean = () => true): EventType[] {
  return EVENT_TYPES.filter((type) =>
    EVENT_FIELDS.some((field) => field.column === column && field.appliesTo.includes(type) && where(field)),
  );
}

/**
 * The event-level value of a column, read by the kind's own field (undefined for kinds without one), so a rule
 * over e.g. `quantity` needs no list of the kinds that carry it.
 */
export function eventFieldReader(column: string): (event: ShopEvent) => unknown {
  const readByType = new Map<string, (event: ShopEvent) => unknown>();
  for (const field of EVENT_FIELDS) {
    if (field.column !== column || !field.read) continue;
    for (const type of field.appliesTo) if (!readByType.has(type)) readByType.set(type, field.read);
  }
  return (event) => readByType.get(event.event_type)?.(event);
}

/** The line items of a purchase when they are an array; anything else yields none (the required rule reports it). */
export function lineItemsOf(event: ShopEvent): readonly LineItem[] | undefined {
  if (event.event_type !== 'purchase') return undefined;
  const items: unknown = event.items;
  return Array.isArray(items) ? (items as LineItem[]) : undefined;
}

/** Groups fields (or rules) by the event kinds they apply to, so evaluation only walks what concerns an event. */
export function groupByEventType<T extends { appliesTo?: readonly EventType[] }>(
  things: readonly T[],
): Record<EventType, T[]> {
  const groups = Object.fromEntries(EVENT_TYPES.map((type) => [type, [] as T[]])) as Record<EventType, T[]>;
  for (const thing of things) {
    for (const type of thing.appliesTo ?? EVENT_TYPES) groups[type].push(thing);
  }
  return groups;
}
