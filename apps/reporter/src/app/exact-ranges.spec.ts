import { DEVICE_TYPES, EVENT_TYPES, type EventRow } from '@pipeline/events';
import { LocalFileSystemBackend, readEventRows, readMetricTable } from '@pipeline/storage';
import { startReporterWithData, type RunningReporter } from '../testing/reporter-harness';

/**
 * Every figure of the range API checked against a second, deliberately plain implementation: the raw Parquet
 * rows read with the storage library's reader and counted in JS loops (no DuckDB, none of the code under test),
 * for whole-hour, mid-hour and multi-hour ranges. Equality is exact, to the cent and to the last session.
 */
jest.setTimeout(120_000);

interface LineItem {
  product_id: string;
  name: string;
  category: string;
  price_cents: number;
  quantity: number;
}

/** The definitions of the README, written out as loops over rows. */
function referenceFigures(rows: readonly EventRow[], fromMs: number, toMs: number) {
  const inRange = rows.filter((r) => (r['event_time'] as number) >= fromMs && (r['event_time'] as number) < toMs);
  const str = (r: EventRow, c: string) => r[c] as string;
  const num = (r: EventRow, c: string) => r[c] as number;
  const sessions = new Set<string>();
  const users = new Set<string>();
  const orders = new Set<string>();
  const viewed = new Set<string>();
  const carted = new Set<string>();
  const purchased = new Set<string>();
  const byType: Record<string, number> = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
  const devices = new Map<string, { events: number; orders: Set<string>; revenueCents: number }>();
  const products = new Map<string, { name: string; category: string; views: number; addToCarts: number; units: number; revenueCents: number }>();
  const product = (id: string, name: string, category: string) => {
    let p = products.get(id);
    if (!p) products.set(id, (p = { name, category, views: 0, addToCarts: 0, units: 0, revenueCents: 0 }));
    if (name < p.name) p.name = name;
    if (category < p.category) p.category = category;
    return p;
  };
  let revenueCents = 0;
  let units = 0;
  for (const r of inRange) {
    const type = str(r, 'event_type');
    const session = str(r, 'session_id');
    sessions.add(session);
    users.add(str(r, 'user_id'));
    byType[type]++;
    const deviceType = str(r, 'device_type');
    const device = devices.get(deviceType) ?? { events: 0, orders: new Set<string>(), revenueCents: 0 };
    devices.set(deviceType, device);
    device.events++;
    if (type === 'page_view' && r['product_id'] !== null) {
      viewed.add(session);
      product(str(r, 'product_id'), str(r, 'product_name'), str(r, 'category')).views++;
    }
    if (type === 'add_to_cart') {
      carted.add(session);
      product(str(r, 'product_id'), str(r, 'product_name'), str(r, 'category')).addToCarts++;
    }
    if (type === 'purchase') {
      purchased.add(session);
      orders.add(str(r, 'order_id'));
      device.orders.add(str(r, 'order_id'));
      revenueCents += num(r, 'revenue_cents');
      device.revenueCents += num(r, 'revenue_cents');
      for (const item of JSON.parse(str(r, 'items_json')) as LineItem[]) {
        units += item.quantity;
        const p = product(item.product_id, item.name, item.category);
        p.units += item.quantity;
        p.revenueCents += item.price_cents * item.quantity;
      }
    }
  }
  const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  const ratio = (n: number, d: number, places: number) => (d === 0 ? null : (Math.round((n / d) * 10 ** places) / 10 ** places).toFixed(places));
  const share = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
  const funnelCounts = [viewed.size, carted.size, purchased.size];
  return {
    summary: {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      events: inRange.length,
      eventsByType: byType,
      sessions: sessions.size,
      users: users.size,
      orders: orders.size,
      units,
      revenueCents,
      revenue: cents(revenueCents),
      purchasingSessions: purchased.size,
      averageOrderValue: orders.size === 0 ? null : ratio(revenueCents / 100, orders.size, 2),
      conversionRate: ratio(purchased.size, sessions.size, 4),
      ordersPerSession: ratio(orders.size, sessions.size, 4),
    },
    products: [...products.entries()]
      .map(([productId, p]) => ({ productId, ...p, revenue: cents(p.revenueCents) }))
      .sort((a, b) => b.revenueCents - a.revenueCents || b.units - a.units || (a.productId < b.productId ? -1 : 1)),
    devices: [...DEVICE_TYPES, ...[...devices.keys()].filter((t) => !(DEVICE_TYPES as readonly string[]).includes(t))].map((deviceType) => {
      const d = devices.get(deviceType) ?? { events: 0, orders: new Set<string>(), revenueCents: 0 };
      return { deviceType, events: d.events, orders: d.orders.size, revenueCents: d.revenueCents, revenue: cents(d.revenueCents), eventShare: share(d.events, inRange.length) };
    }),
    funnel: ['viewed', 'added_to_cart', 'purchased'].map((stage, i) => ({
      stage,
      sessions: funnelCounts[i],
      shareOfFirst: share(funnelCounts[i], funnelCounts[0]),
      shareOfPrevious: i === 0 ? null : share(funnelCounts[i], funnelCounts[i - 1]),
    })),
  };
}

describe('exact range figures, checked against a plain recount of the raw Parquet rows', () => {
  let reporter: RunningReporter;
  let rows: EventRow[];
  const getJson = async <T>(url: string): Promise<T> => {
    const response = await fetch(`${reporter.baseUrl}${url}`);
    expect([url, response.status]).toEqual([url, 200]);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    reporter = await startReporterWithData({ data: { startMs: Date.UTC(2026, 10, 27, 6), hours: 5, concurrentSessions: 6 } });
    const backend = new LocalFileSystemBackend(reporter.dataDir);
    rows = [];
    for (const key of await backend.list('events')) for await (const row of readEventRows(backend, key)) rows.push(row);
  });
  afterAll(() => reporter?.close());

  it('has data that makes the comparison meaningful: sessions that span hours, and purchases', () => {
    const hoursBySession = new Map<string, Set<number>>();
    for (const r of rows) {
      const hour = Math.floor((r['event_time'] as number) / 3_600_000);
      hoursBySession.set(r['session_id'] as string, (hoursBySession.get(r['session_id'] as string) ?? new Set()).add(hour));
    }
    expect([...hoursBySession.values()].filter((h) => h.size > 1).length).toBeGreaterThan(5);
    expect(rows.filter((r) => r['event_type'] === 'purchase').length).toBeGreaterThan(10);
  });

  const RANGES: [string, string, string][] = [
    ['a whole hour', '2026-11-27T07:00:00.000Z', '2026-11-27T08:00:00.000Z'],
    ['whole hours', '2026-11-27T07:00:00.000Z', '2026-11-27T10:00:00.000Z'],
    ['a part of one hour', '2026-11-27T08:10:00.000Z', '2026-11-27T08:40:00.000Z'],
    ['mid-hour to mid-hour', '2026-11-27T07:30:00.000Z', '2026-11-27T09:15:00.500Z'],
    ['every stored hour and beyond, odd milliseconds', '2026-11-27T05:59:59.999Z', '2026-11-27T11:47:12.345Z'],
  ];

  describe.each(RANGES)('%s: [%s, %s)', (_name, from, to) => {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const query = `?from=${from}&to=${to}`;

    it('summary', async () => {
      const expected = referenceFigures(rows, fromMs, toMs).summary;
      const actual = await getJson<Record<string, unknown>>(`/api/summary${query}`);
      expect(expected.events).toBeGreaterThan(0);
      expect(actual).toMatchObject(expected);
    });

    it('hourly: each hour the range overlaps, over the part inside the range', async () => {
      const actual = await getJson<Record<string, unknown>[]>(`/api/hourly${query}`);
      const expected = [];
      for (let start = Math.floor(fromMs / 3_600_000) * 3_600_000; start < toMs; start += 3_600_000) {
        const a = Math.max(start, fromMs);
        const b = Math.min(start + 3_600_000, toMs);
        const s = referenceFigures(rows, a, b).summary;
        expected.push({
          hour: new Date(start).toISOString(),
          from: new Date(a).toISOString(),
          to: new Date(b).toISOString(),
          events: s.events,
          orders: s.orders,
          sessions: s.sessions,
          users: s.users,
          revenueCents: s.revenueCents,
          revenue: s.revenue,
        });
      }
      expect(actual).toEqual(expected);
    });

    it('products/top', async () => {
      const expected = referenceFigures(rows, fromMs, toMs).products.slice(0, 100);
      const actual = await getJson<{ from: string; to: string; products: unknown[] }>(`/api/products/top${query}&limit=100`);
      expect(actual).toEqual({ from, to, products: expected });
    });

    it('devices', async () => {
      const actual = await getJson<{ devices: unknown[] }>(`/api/devices${query}`);
      expect(actual).toEqual({ from, to, devices: referenceFigures(rows, fromMs, toMs).devices });
    });

    it('funnel', async () => {
      const actual = await getJson<{ stages: Record<string, unknown>[] }>(`/api/funnel${query}`);
      expect(actual.stages.map((stage) => ({ ...stage, counts: undefined }))).toEqual(referenceFigures(rows, fromMs, toMs).funnel.map((stage) => ({ ...stage, counts: undefined })));
    });

    it('the dashboard snapshot agrees with the endpoints', async () => {
      const view = await getJson<{ summary: unknown; products: unknown[]; funnel: unknown[]; devices: unknown[] }>(`/api/dashboard${query}`);
      const expected = referenceFigures(rows, fromMs, toMs);
      expect(view.summary).toMatchObject(expected.summary);
      expect(view.products).toEqual(expected.products.slice(0, 10));
      expect(view.devices).toEqual(expected.devices);
    });
  });

  it("gives a product the hourly products table's name, and whole hours the hourly table's sums", async () => {
    const backend = new LocalFileSystemBackend(reporter.dataDir);
    for (const hour of reporter.data.hours) {
      const from = hour.toIsoString();
      const to = new Date(hour.endMs).toISOString();
      const table = await readMetricTable(backend, 'products', hour);
      const api = await getJson<{ products: { productId: string; name: string; category: string; revenueCents: number; units: number }[] }>(
        `/api/products/top?from=${from}&to=${to}&limit=100`,
      );
      const byId = new Map(api.products.map((p) => [p.productId, p]));
      for (const row of table.filter((r) => Number(r['revenue_cents']) > 0)) {
        expect(byId.get(String(row['product_id']))).toMatchObject({
          name: row['product_name'],
          category: row['category'],
          revenueCents: row['revenue_cents'],
          units: row['units'],
        });
      }
      const [summaryRow] = await readMetricTable(backend, 'summary', hour);
      const summary = await getJson<Record<string, number>>(`/api/summary?from=${from}&to=${to}`);
      expect(summary).toMatchObject({
        events: summaryRow['events'],
        sessions: summaryRow['sessions'],
        users: summaryRow['users'],
        orders: summaryRow['orders'],
        units: summaryRow['units'],
        revenueCents: summaryRow['revenue_cents'],
      });
    }
  });
});
