import { byEventType, EVENT_TYPES, eventTimeMillis, type EventType, type ShopEvent } from '@pipeline/events';
import { PartitionPath } from './partition-path';

/**
 * Aggregates of one UTC hour that merge exactly: every figure is an integer sum or a set union, so
 * merging the partials of all files of an hour, in any grouping or order, equals aggregating all its events.
 * One partial is stored beside each raw file, so a rollup never needs in-memory state that a crash could lose.
 */

export const PARTIAL_FORMAT = 2;
/**
 * Format 1 also held one counter per kind (page_views ... orders) beside events_by_type, which always had the
 * same figures; format 2 keeps only events_by_type, so a new kind needs no new field. Format 1 files still read.
 */
export const PREVIOUS_PARTIAL_FORMAT = 1;

/**
 * Funnel stages as bit flags per session, merged by OR. A session counts at a stage for an hour if, in that
 * hour, it viewed a product page (a page_view with a product), added to cart, or purchased; stages are not
 * forced to be monotonic (a session that viewed at 09:58 and bought at 10:01 is "purchased" but not "viewed"
 * in hour 10), because hours are independent and must not depend on each other to merge exactly.
 */
export const FUNNEL_STAGES = [
  { stage: 'viewed', flag: 1 },
  { stage: 'added_to_cart', flag: 2 },
  { stage: 'purchased', flag: 4 },
] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number]['stage'];
const FLAG: Record<FunnelStage, number> = { viewed: 1, added_to_cart: 2, purchased: 4 };

export interface ProductFigures {
  product_id: string;
  name: string;
  category: string;
  /** Product detail page views. */
  views: number;
  /** add_to_cart events. */
  add_to_carts: number;
  /** Units purchased. */
  units: number;
  /** price_cents * quantity over purchase lines. */
  revenue_cents: number;
}

export interface CategoryFigures {
  units: number;
  revenue_cents: number;
}

export interface DeviceFigures {
  events: number;
  orders: number;
  revenue_cents: number;
}

export interface HourlyPartial {
  format: typeof PARTIAL_FORMAT;
  /** PartitionPath string of the hour, e.g. "year=2026/month=11/day=27/hour=09". */
  hour: string;
  events: number;
  /** Events of each kind; `purchase` is the number of orders. */
  events_by_type: Record<EventType, number>;
  units: number;
  revenue_cents: number;
  /** Distinct user ids, sorted. */
  users: string[];
  /** session_id -> funnel flags; its keys are the distinct sessions of the hour. */
  sessions: Record<string, number>;
  products: Record<string, ProductFigures>;
  categories: Record<string, CategoryFigures>;
  devices: Record<string, DeviceFigures>;
}

export function emptyPartial(hour: PartitionPath | string): HourlyPartial {
  return {
    format: PARTIAL_FORMAT,
    hour: String(hour),
    events: 0,
    events_by_type: byEventType(() => 0),
    units: 0,
    revenue_cents: 0,
    users: [],
    sessions: dictionary(),
    products: dictionary(),
    categories: dictionary(),
    devices: dictionary(),
  };
}

/**
 * Ids come from the stream, so keyed maps have no prototype: a session called "__proto__" must count as a
 * session, not reach Object.prototype. JSON.stringify writes these like any object.
 */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** One partial per UTC hour the events fall in, in hour order. */
export function computeHourlyPartials(events: Iterable<ShopEvent>): HourlyPartial[] {
  const builders = new Map<number, PartialBuilder>();
  for (const event of events) {
    const hour = PartitionPath.fromEventTime(eventTimeMillis(event.event_time));
    let builder = builders.get(hour.startMs);
    if (!builder) builders.set(hour.startMs, (builder = new PartialBuilder(hour)));
    builder.add(event);
  }
  return [...builders.entries()].sort(([a], [b]) => a - b).map(([, builder]) => builder.build());
}

/** Aggregates events that all lie in one hour (throws on an event outside it). */
export function computePartial(hour: PartitionPath, events: Iterable<ShopEvent>): HourlyPartial {
  const builder = new PartialBuilder(hour);
  for (const event of events) builder.add(event);
  return builder.build();
}

class PartialBuilder {
  private readonly partial: HourlyPartial;
  private readonly users = new Set<string>();

  constructor(private readonly hour: PartitionPath) {
    this.partial = emptyPartial(hour);
  }

  add(event: ShopEvent): void {
    const time = eventTimeMillis(event.event_time);
    if (!this.hour.contains(time)) throw new Error(`event ${event.event_id} at ${event.event_time} is not in ${this.hour}`);
    const p = this.partial;
    p.events++;
    p.events_by_type[event.event_type]++;
    this.users.add(event.user_id);
    p.sessions[event.session_id] ??= 0;
    const device = (p.devices[event.device.type] ??= { events: 0, orders: 0, revenue_cents: 0 });
    device.events++;
    // Kinds that feed product, revenue and funnel figures; every kind is counted in events_by_type above.
    switch (event.event_type) {
      case 'page_view':
        if (event.product) {
          productOf(p, event.product).views++;
          this.reach(event.session_id, 'viewed');
        }
        break;
      case 'add_to_cart':
        productOf(p, event.product).add_to_carts++;
        this.reach(event.session_id, 'added_to_cart');
        break;
      case 'purchase':
        p.revenue_cents += event.revenue_cents;
        device.orders++;
        device.revenue_cents += event.revenue_cents;
        for (const item of event.items) {
          const lineCents = item.price_cents * item.quantity;
          p.units += item.quantity;
          const product = productOf(p, item);
          product.units += item.quantity;
          product.revenue_cents += lineCents;
          const category = (p.categories[item.category] ??= { units: 0, revenue_cents: 0 });
          category.units += item.quantity;
          category.revenue_cents += lineCents;
        }
        this.reach(event.session_id, 'purchased');
        break;
    }
  }

  build(): HourlyPartial {
    return canonical({ ...this.partial, users: [...this.users] });
  }

  private reach(sessionId: string, stage: FunnelStage): void {
    this.partial.sessions[sessionId] |= FLAG[stage];
  }
}

function productOf(p: HourlyPartial, ref: { product_id: string; name: string; category: string }): ProductFigures {
  const existing = p.products[ref.product_id];
  if (existing) {
    keepSmallestLabels(existing, ref);
    return existing;
  }
  return (p.products[ref.product_id] = {
    product_id: ref.product_id,
    name: ref.name,
    category: ref.category,
    views: 0,
    add_to_carts: 0,
    units: 0,
    revenue_cents: 0,
  });
}

/**
 * If a product was renamed mid-hour, which label wins must not depend on merge order,
 * or merging would stop being commutative; the smallest string is an arbitrary but stable choice.
 */
function keepSmallestLabels(target: ProductFigures, other: { name: string; category: string }): void {
  if (other.name < target.name) target.name = other.name;
  if (other.category < target.category) target.category = other.category;
}

/**
 * Merges partials of the same hour. Associative and commutative, with emptyPartial(hour) as identity.
 * Pass `hour` to merge an empty list.
 */
export function mergePartials(partials: readonly HourlyPartial[], hour?: string): HourlyPartial {
  const targetHour = hour ?? partials[0]?.hour;
  if (targetHour === undefined) throw new Error('mergePartials needs at least one partial or an hour');
  const out = emptyPartial(targetHour);
  mergePartialsInto(out, new Set<string>(), partials);
  return canonical(out);
}

/**
 * Adds `partials` to `target` in place: the work grows with the partials added, not with what `target` holds
 * already (a live hour's rollup adds a few new batches to hundreds of thousands of sessions). `targetUsers` holds
 * target.users as a set. Sets and keys end up in no particular order: mergePartials gives the canonical form,
 * which is what gets stored. Throws on a partial of another hour, possibly after merging some: start over then.
 */
export function mergePartialsInto(target: HourlyPartial, targetUsers: Set<string>, partials: readonly HourlyPartial[]): void {
  const out = target;
  for (const p of partials) {
    if (p.hour !== out.hour) throw new Error(`cannot merge partial of ${p.hour} into ${out.hour}`);
    out.events += p.events;
    for (const type of EVENT_TYPES) out.events_by_type[type] += p.events_by_type[type] ?? 0;
    out.units += p.units;
    out.revenue_cents += p.revenue_cents;
    for (const user of p.users) {
      if (targetUsers.has(user)) continue;
      targetUsers.add(user);
      out.users.push(user);
    }
    for (const session in p.sessions) out.sessions[session] = (out.sessions[session] ?? 0) | p.sessions[session];
    for (const product of Object.values(p.products)) {
      const target = productOf(out, product);
      target.views += product.views;
      target.add_to_carts += product.add_to_carts;
      target.units += product.units;
      target.revenue_cents += product.revenue_cents;
    }
    for (const [name, category] of Object.entries(p.categories)) {
      const target = (out.categories[name] ??= { units: 0, revenue_cents: 0 });
      target.units += category.units;
      target.revenue_cents += category.revenue_cents;
    }
    for (const [name, device] of Object.entries(p.devices)) {
      const target = (out.devices[name] ??= { events: 0, orders: 0, revenue_cents: 0 });
      target.events += device.events;
      target.orders += device.orders;
      target.revenue_cents += device.revenue_cents;
    }
  }
}

/** Orders of the hour: its purchase events. */
export function ordersOf(partial: HourlyPartial): number {
  return partial.events_by_type.purchase ?? 0;
}

/** Sessions that reached a funnel stage in the hour. */
export function sessionsAtStage(partial: HourlyPartial, stage: FunnelStage): number {
  return sessionsPerStage(partial)[stage];
}

/**
 * Sessions at every funnel stage in one pass over the hour's sessions (a busy hour has tens of thousands, and
 * each rollup of the live hour counts them), without the array Object.values would build.
 */
export function sessionsPerStage(partial: HourlyPartial): Record<FunnelStage, number> {
  let viewed = 0;
  let addedToCart = 0;
  let purchased = 0;
  const sessions = partial.sessions;
  for (const session in sessions) {
    const flags = sessions[session];
    if (flags & FLAG.viewed) viewed++;
    if (flags & FLAG.added_to_cart) addedToCart++;
    if (flags & FLAG.purchased) purchased++;
  }
  return { viewed, added_to_cart: addedToCart, purchased };
}

/** Sorted sets and keys, so equal partials serialize to identical bytes whatever order built them. */
function canonical(p: HourlyPartial): HourlyPartial {
  return {
    ...p,
    users: [...p.users].sort(compareStrings),
    sessions: sortKeys(p.sessions),
    products: sortKeys(p.products),
    categories: sortKeys(p.categories),
    devices: sortKeys(p.devices),
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out = dictionary<T>();
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key];
  return out;
}

export function serializePartial(partial: HourlyPartial): Buffer {
  return Buffer.from(`${JSON.stringify(partial)}\n`, 'utf8');
}

export function parsePartial(bytes: Uint8Array | string): HourlyPartial {
  const parsed = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')) as HourlyPartial;
  const format: unknown = parsed?.format;
  if (format !== PARTIAL_FORMAT && format !== PREVIOUS_PARTIAL_FORMAT) throw new Error(`unsupported partial format ${String(format)}`);
  PartitionPath.parse(parsed.hour);
  return format === PARTIAL_FORMAT ? parsed : fromPreviousFormat(parsed);
}

/** A format-1 partial as format 2: the same figures without its per-kind counters (events_by_type has them). */
function fromPreviousFormat(old: HourlyPartial): HourlyPartial {
  const { hour, events, events_by_type, units, revenue_cents, users, sessions, products, categories, devices } = old;
  return {
    format: PARTIAL_FORMAT,
    hour,
    events,
    events_by_type: { ...byEventType(() => 0), ...events_by_type },
    units,
    revenue_cents,
    users,
    sessions,
    products,
    categories,
    devices,
  };
}
