/**
 * What a time window of raw events holds, in a form that merges exactly: integer sums, and the distinct
 * ids (sessions with their funnel flags, users, orders) as sets. Merging the digests of disjoint windows
 * equals the digest of their union, so a range is answered from per-hour digests (cached by the hour's
 * file versions) plus digests of its partial first and last hours, and distinct counts stay distinct
 * across hours.
 */

/** Funnel flags of a session, OR-ed over its events: what it did in the window. */
export const VIEWED_PRODUCT = 1;
export const ADDED_TO_CART = 2;
export const PURCHASED = 4;

export interface ProductDigest {
  productId: string;
  /** The smallest name seen for the product in the window (the hourly `products` table's rule, see @pipeline/storage). */
  name: string;
  category: string;
  /** page_view events of the product's page. */
  views: number;
  /** add_to_cart events. */
  addToCarts: number;
  /** Units bought (purchase lines). */
  units: number;
  /** price_cents * quantity over purchase lines. */
  revenueCents: number;
}

export interface DeviceDigest {
  events: number;
  /** Distinct order ids bought on the device type. */
  orderIds: Set<string>;
  revenueCents: number;
}

export interface WindowDigest {
  events: number;
  eventsByType: Map<string, number>;
  /** session_id -> funnel flags; its keys are the distinct sessions. */
  sessions: Map<string, number>;
  users: Set<string>;
  orderIds: Set<string>;
  /** Sum of revenue_cents over purchase events. */
  revenueCents: number;
  /** Sum of quantities over purchase events. */
  units: number;
  products: Map<string, ProductDigest>;
  devices: Map<string, DeviceDigest>;
  /** Newest event_time in the window (epoch ms), null when it is empty. */
  newestEventMs: number | null;
}

export function emptyDigest(): WindowDigest {
  return {
    events: 0,
    eventsByType: new Map(),
    sessions: new Map(),
    users: new Set(),
    orderIds: new Set(),
    revenueCents: 0,
    units: 0,
    products: new Map(),
    devices: new Map(),
    newestEventMs: null,
  };
}

export function productDigestOf(digest: WindowDigest, ref: { productId: string; name: string; category: string }): ProductDigest {
  const existing = digest.products.get(ref.productId);
  if (existing) {
    // The smallest label wins, whatever the order: the same rule as the hourly tables, so one product has one
    // name in the hourly table and in a range answer.
    if (ref.name < existing.name) existing.name = ref.name;
    if (ref.category < existing.category) existing.category = ref.category;
    return existing;
  }
  const created: ProductDigest = { productId: ref.productId, name: ref.name, category: ref.category, views: 0, addToCarts: 0, units: 0, revenueCents: 0 };
  digest.products.set(ref.productId, created);
  return created;
}

export function deviceDigestOf(digest: WindowDigest, deviceType: string): DeviceDigest {
  let device = digest.devices.get(deviceType);
  if (!device) digest.devices.set(deviceType, (device = { events: 0, orderIds: new Set(), revenueCents: 0 }));
  return device;
}

/** A deep copy, made with the native Map/Set copy constructors (far cheaper than re-adding every id). */
function cloneDigest(d: WindowDigest): WindowDigest {
  return {
    events: d.events,
    eventsByType: new Map(d.eventsByType),
    sessions: new Map(d.sessions),
    users: new Set(d.users),
    orderIds: new Set(d.orderIds),
    revenueCents: d.revenueCents,
    units: d.units,
    products: new Map([...d.products].map(([id, p]) => [id, { ...p }])),
    devices: new Map([...d.devices].map(([type, device]) => [type, { ...device, orderIds: new Set(device.orderIds) }])),
    newestEventMs: d.newestEventMs,
  };
}

function mergeInto(out: WindowDigest, d: WindowDigest): void {
  out.events += d.events;
  for (const [type, n] of d.eventsByType) out.eventsByType.set(type, (out.eventsByType.get(type) ?? 0) + n);
  for (const [session, flags] of d.sessions) out.sessions.set(session, (out.sessions.get(session) ?? 0) | flags);
  for (const user of d.users) out.users.add(user);
  for (const order of d.orderIds) out.orderIds.add(order);
  out.revenueCents += d.revenueCents;
  out.units += d.units;
  for (const p of d.products.values()) {
    const target = productDigestOf(out, p);
    target.views += p.views;
    target.addToCarts += p.addToCarts;
    target.units += p.units;
    target.revenueCents += p.revenueCents;
  }
  for (const [type, device] of d.devices) {
    const target = deviceDigestOf(out, type);
    target.events += device.events;
    target.revenueCents += device.revenueCents;
    for (const order of device.orderIds) target.orderIds.add(order);
  }
  if (d.newestEventMs !== null && (out.newestEventMs === null || d.newestEventMs > out.newestEventMs)) out.newestEventMs = d.newestEventMs;
}

/**
 * Digests of disjoint windows merged into a new one (the inputs are left unchanged). The largest is copied
 * whole and the others are added to the copy, so merging a small new part into a big digest costs little.
 */
export function mergeDigests(digests: readonly WindowDigest[]): WindowDigest {
  if (digests.length === 0) return emptyDigest();
  let largest = 0;
  digests.forEach((d, i) => {
    if (d.sessions.size + d.users.size > digests[largest].sessions.size + digests[largest].users.size) largest = i;
  });
  const out = cloneDigest(digests[largest]);
  digests.forEach((d, i) => {
    if (i !== largest) mergeInto(out, d);
  });
  return out;
}

/** Sessions whose flags include `flag`. */
export function sessionsWith(digest: WindowDigest, flag: number): number {
  let n = 0;
  for (const flags of digest.sessions.values()) if (flags & flag) n++;
  return n;
}

/** The funnel flags whose distinct sessions the range answers count. */
export const FUNNEL_FLAGS = [VIEWED_PRODUCT, ADDED_TO_CART, PURCHASED] as const;

export interface DeviceTotals {
  events: number;
  /** Distinct order ids bought on the device type. */
  orders: number;
  revenueCents: number;
}

/**
 * The figures of a window as numbers: what a range answer reads of its merged digest. Distinct counts are exact
 * counts of the distinct ids; the id sets themselves stay in the digests they were counted from.
 */
export interface DigestTotals {
  events: number;
  eventsByType: ReadonlyMap<string, number>;
  sessions: number;
  /** Distinct sessions whose flags include each of FUNNEL_FLAGS, by flag. */
  sessionsWith: ReadonlyMap<number, number>;
  users: number;
  orders: number;
  revenueCents: number;
  units: number;
  products: ReadonlyMap<string, Readonly<ProductDigest>>;
  devices: ReadonlyMap<string, DeviceTotals>;
  newestEventMs: number | null;
}

/** Digests are not changed once made, so their totals are computed once. */
const totalsByDigest = new WeakMap<WindowDigest, DigestTotals>();

/** The totals of one digest (O(its sessions) the first time, then remembered). */
export function totalsOf(digest: WindowDigest): DigestTotals {
  let totals = totalsByDigest.get(digest);
  if (!totals) {
    totals = {
      events: digest.events,
      eventsByType: digest.eventsByType,
      sessions: digest.sessions.size,
      sessionsWith: new Map(FUNNEL_FLAGS.map((flag) => [flag, sessionsWith(digest, flag)])),
      users: digest.users.size,
      orders: digest.orderIds.size,
      revenueCents: digest.revenueCents,
      units: digest.units,
      products: digest.products,
      devices: new Map([...digest.devices].map(([type, d]) => [type, { events: d.events, orders: d.orderIds.size, revenueCents: d.revenueCents }])),
      newestEventMs: digest.newestEventMs,
    };
    totalsByDigest.set(digest, totals);
  }
  return totals;
}

/**
 * The totals of the union of digests of disjoint windows, without building the union: each distinct id of a
 * `tops` digest is looked up in `base` and in the tops before it, and only the ids none of them holds are
 * counted (a session seen before counts for a funnel flag it only gains in a later top). Costs O(size of the
 * tops) once the base's totals are known, whatever the size of `base`: a range whose newest hours keep
 * changing counts them against the kept union of its other hours, which is neither copied nor changed.
 */
export function totalsOfUnion(base: WindowDigest, tops: readonly WindowDigest[]): DigestTotals {
  const baseTotals = totalsOf(base);
  let sessions = baseTotals.sessions;
  let users = baseTotals.users;
  let orders = baseTotals.orders;
  const withFlag = new Map(baseTotals.sessionsWith);
  const eventsByType = new Map(baseTotals.eventsByType);
  const products = new Map(baseTotals.products);
  const devices = new Map(baseTotals.devices);
  let { events, revenueCents, units, newestEventMs } = baseTotals;
  tops.forEach((top, i) => {
    const before = [base, ...tops.slice(0, i)];
    for (const [session, flags] of top.sessions) {
      let seen = false;
      let earlierFlags = 0;
      for (const d of before) {
        const f = d.sessions.get(session);
        if (f !== undefined) {
          seen = true;
          earlierFlags |= f;
        }
      }
      if (!seen) sessions++;
      const gained = flags & ~earlierFlags;
      if (gained !== 0) for (const flag of FUNNEL_FLAGS) if (gained & flag) withFlag.set(flag, (withFlag.get(flag) ?? 0) + 1);
    }
    for (const user of top.users) if (!before.some((d) => d.users.has(user))) users++;
    for (const order of top.orderIds) if (!before.some((d) => d.orderIds.has(order))) orders++;
    events += top.events;
    revenueCents += top.revenueCents;
    units += top.units;
    if (top.newestEventMs !== null && (newestEventMs === null || top.newestEventMs > newestEventMs)) newestEventMs = top.newestEventMs;
    for (const [type, n] of top.eventsByType) eventsByType.set(type, (eventsByType.get(type) ?? 0) + n);
    for (const p of top.products.values()) {
      const existing = products.get(p.productId);
      products.set(
        p.productId,
        existing
          ? {
              productId: p.productId,
              // The smallest label wins, as in productDigestOf.
              name: p.name < existing.name ? p.name : existing.name,
              category: p.category < existing.category ? p.category : existing.category,
              views: existing.views + p.views,
              addToCarts: existing.addToCarts + p.addToCarts,
              units: existing.units + p.units,
              revenueCents: existing.revenueCents + p.revenueCents,
            }
          : { ...p },
      );
    }
    for (const [type, d] of top.devices) {
      const existing = devices.get(type);
      let newOrders = 0;
      for (const order of d.orderIds) if (!before.some((b) => b.devices.get(type)?.orderIds.has(order))) newOrders++;
      devices.set(type, {
        events: (existing?.events ?? 0) + d.events,
        orders: (existing?.orders ?? 0) + newOrders,
        revenueCents: (existing?.revenueCents ?? 0) + d.revenueCents,
      });
    }
  });
  return { events, eventsByType, sessions, sessionsWith: withFlag, users, orders, revenueCents, units, products, devices, newestEventMs };
}
