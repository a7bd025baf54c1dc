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
