import { SCHEMA_VERSION, type ShopEvent } from '@pipeline/events';
import { LocalFileSystemBackend, PartitionedEventSink } from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDbWindowReader } from './duckdb-window-reader';
import { EventLake, localPathSource } from './event-lake';
import { ExactReportStore, FUTURE_SKEW_MS, startAtFirstData } from './exact-report-store';

jest.setTimeout(60_000);

const MUG = { product_id: 'p-1', name: 'Mug', category: 'Home', price_cents: 1299, currency: 'USD' as const };
const MUG_RENAMED = { ...MUG, name: 'A mug' };
let n = 0;
function event(time: string, session: string, kind: 'view' | 'cart' | 'buy' | 'search', extra: { user?: string; product?: typeof MUG; order?: string } = {}): ShopEvent {
  n++;
  const envelope = {
    event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    schema_version: SCHEMA_VERSION,
    event_time: time,
    user_id: extra.user ?? `u-${session}`,
    session_id: session,
    device: { type: 'mobile' as const, os: 'Android', browser: 'Chrome' },
    country: 'DE',
    page: '/',
    referrer: null,
  };
  const product = extra.product ?? MUG;
  switch (kind) {
    case 'view':
      return { ...envelope, event_type: 'page_view', product };
    case 'cart':
      return { ...envelope, event_type: 'add_to_cart', product, quantity: 2 };
    case 'search':
      return { ...envelope, event_type: 'search', query: 'mug', results_count: 1 };
    case 'buy':
      return {
        ...envelope,
        event_type: 'purchase',
        order_id: extra.order ?? `o-${n}`,
        items: [{ ...product, quantity: 3 }],
        revenue_cents: product.price_cents * 3,
        currency: 'USD',
        payment_method: 'card',
      };
  }
}

describe('ExactReportStore over a real lake (DuckDB reading the Parquet files)', () => {
  let dir: string;
  let backend: LocalFileSystemBackend;
  let offset = 0;
  const stores: ExactReportStore[] = [];
  const storeAt = (nowIso: string) => {
    const store = new ExactReportStore(new EventLake(backend, localPathSource(backend)), new DuckDbWindowReader({ threads: 1 }), () => Date.parse(nowIso));
    stores.push(store);
    return store;
  };
  const write = async (events: ShopEvent[]) => {
    const sink = new PartitionedEventSink(backend);
    await sink.writeBatch({ topic: 'ecommerce.events', partition: 0, firstOffset: String(offset), lastOffset: String(offset + events.length - 1), events });
    await sink.completeBatch('ecommerce.events', 0);
    offset += events.length;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'exact-store-'));
    backend = new LocalFileSystemBackend(dir);
    await write([
      // Session s1 spans 09:xx and 10:xx: one session, one user, one purchasing session over the two hours.
      event('2026-11-27T09:50:00.000Z', 's1', 'view'),
      event('2026-11-27T09:55:00.000Z', 's1', 'cart'),
      event('2026-11-27T10:05:00.000Z', 's1', 'buy', { order: 'o-1' }),
      event('2026-11-27T10:06:00.000Z', 's2', 'view', { product: MUG_RENAMED }),
      event('2026-11-27T10:30:00.000Z', 's2', 'search'),
      // The last millisecond of 10:xx and the first of 11:xx.
      event('2026-11-27T10:59:59.999Z', 's3', 'view'),
      event('2026-11-27T11:00:00.000Z', 's3', 'search'),
    ]);
  });

  afterAll(() => {
    for (const store of stores) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a session that spans hours once, and conversion as purchasing sessions / sessions', async () => {
    const summary = await storeAt('2026-11-28T00:00:00Z').summary({ fromMs: Date.parse('2026-11-27T09:00:00Z'), toMs: Date.parse('2026-11-27T12:00:00Z') });
    expect(summary).toMatchObject({
      events: 7,
      sessions: 3,
      users: 3,
      orders: 1,
      units: 3,
      revenueCents: 3897,
      revenue: '38.97',
      purchasingSessions: 1,
      averageOrderValue: '38.97',
      conversionRate: '0.3333',
      ordersPerSession: '0.3333',
      hours: 3,
      from: '2026-11-27T09:00:00.000Z',
      to: '2026-11-27T12:00:00.000Z',
    });
    const hourly = await storeAt('2026-11-28T00:00:00Z').hourly({ fromMs: Date.parse('2026-11-27T09:00:00Z'), toMs: Date.parse('2026-11-27T12:00:00Z') });
    // Per hour, s1 is in 09 and in 10: the hourly points add up to more sessions than the range has.
    expect(hourly.map((h) => h.sessions)).toEqual([1, 3, 1]);
  });

  it('cuts ranges at the millisecond, half-open', async () => {
    const store = storeAt('2026-11-28T00:00:00Z');
    const at = (from: string, to: string) => store.summary({ fromMs: Date.parse(from), toMs: Date.parse(to) });
    expect((await at('2026-11-27T10:59:59.999Z', '2026-11-27T11:00:00.000Z')).events).toBe(1);
    expect((await at('2026-11-27T10:59:59.999Z', '2026-11-27T11:00:00.001Z')).events).toBe(2);
    expect((await at('2026-11-27T10:00:00.000Z', '2026-11-27T10:59:59.999Z')).events).toBe(3);
    expect((await at('2026-11-27T09:52:00.000Z', '2026-11-27T10:10:00.000Z')).sessions).toBe(2);
  });

  it('names a product by the smallest name seen, like the hourly products table', async () => {
    const [product] = await storeAt('2026-11-28T00:00:00Z').topProducts({ fromMs: Date.parse('2026-11-27T09:00:00Z'), toMs: Date.parse('2026-11-27T12:00:00Z') });
    expect(product).toMatchObject({ productId: 'p-1', name: 'A mug', views: 3, addToCarts: 1, units: 3, revenueCents: 3897 });
  });

  it('opens on the last hour by minute when the data is recent, and on 24 hours when it is old', async () => {
    const live = await storeAt('2026-11-27T11:20:00Z').defaultRange();
    expect(live).toEqual({ range: { fromMs: Date.parse('2026-11-27T10:01:00Z'), toMs: Date.parse('2026-11-27T11:01:00Z') }, live: true, newestEventMs: Date.parse('2026-11-27T11:00:00Z') });
    const old = await storeAt('2026-11-29T00:00:00Z').defaultRange();
    expect(old).toMatchObject({ range: { fromMs: Date.parse('2026-11-26T12:00:00Z'), toMs: Date.parse('2026-11-27T12:00:00Z') }, live: false });
  });

  it('follows the lake as files are added and removed, from the same store (caches keyed by file versions)', async () => {
    const store = storeAt('2026-11-28T00:00:00Z');
    const range = { fromMs: Date.parse('2026-11-27T13:00:00Z'), toMs: Date.parse('2026-11-27T14:00:00Z') };
    expect((await store.summary(range)).events).toBe(0);
    await write([event('2026-11-27T13:10:00.000Z', 's20', 'view'), event('2026-11-27T13:11:00.000Z', 's20', 'buy', { order: 'o-20' })]);
    const first = await store.summary(range);
    expect(first).toMatchObject({ events: 2, sessions: 1, orders: 1 });
    // A second file in the hour: only it is read, and merged into what the first gave.
    await write([event('2026-11-27T13:20:00.000Z', 's21', 'view'), event('2026-11-27T13:21:00.000Z', 's20', 'search')]);
    const second = await store.summary(range);
    expect(second).toMatchObject({ events: 4, sessions: 2, orders: 1 });
    expect(second.dataVersion).not.toBe(first.dataVersion);
    // A file removed (as a crash recovery does): the hour is read again from scratch.
    const [firstFile] = (await backend.list('events/year=2026/month=11/day=27/hour=13')).sort();
    await backend.remove(firstFile);
    expect(await store.summary(range)).toMatchObject({ events: 2, sessions: 2, orders: 0 });
  });

  it('is not pulled by events dated in the future, and sees new files at once', async () => {
    // Stray events a day and 2 minutes "ahead" of the reporter's clock, the first beyond the clock-skew allowance.
    await write([event('2026-11-28T11:00:00.000Z', 's9', 'view'), event('2026-11-27T11:22:00.000Z', 's8', 'view')]);
    const store = storeAt('2026-11-27T11:20:00Z');
    expect(FUTURE_SKEW_MS).toBe(300_000);
    expect(await store.newestEventMs()).toBe(Date.parse('2026-11-27T11:22:00Z'));
    const { range } = await store.defaultRange();
    expect(new Date(range.toMs).toISOString()).toBe('2026-11-27T11:23:00.000Z');
    const view = await store.dashboard({ range, live: true, newestEventMs: await store.newestEventMs(), isDefault: true });
    // [10:23, 11:23): 10:30, 10:59:59.999, 11:00 and 11:22; the stray of the 28th is in no range near the data.
    expect(view.summary.events).toBe(4);
    // The live view's minute chart starts at the first minute with data: 10:30 to 11:22, not the empty 10:23-10:29.
    expect(view.minutes.from).toBe('2026-11-27T10:30:00.000Z');
    expect(view.minutes.points).toHaveLength(53);
    expect(view.minutes.points.filter((p) => p.events > 0).map((p) => p.minute.slice(11, 16))).toEqual(['10:30', '10:59', '11:00', '11:22']);
    // Asked for explicitly, the same range keeps every minute of its last hour.
    const asked = await store.dashboard({ range, live: true, newestEventMs: await store.newestEventMs(), isDefault: false });
    expect(asked.minutes.points).toHaveLength(60);
    expect(view.history.points).toHaveLength(24);
    expect(view.history.points.find((p) => p.hour === '2026-11-27T10:00:00.000Z')).toMatchObject({ events: 4, orders: 1, revenueCents: 3897 });
    expect(view.freshness).toEqual({ newestEventTime: '2026-11-27T11:22:00.000Z', ageMs: 0 });
  });
});

describe('startAtFirstData (the live minute chart)', () => {
  const at = (iso: string) => Date.parse(iso);
  const hour = { fromMs: at('2026-11-27T10:23:00Z'), toMs: at('2026-11-27T11:23:00Z') };
  const point = (iso: string) => ({ minuteMs: at(iso), events: 1, orders: 0, revenueCents: 0 });

  it('starts at the first minute with data, but shows at least 15 minutes', () => {
    expect(startAtFirstData(hour, [point('2026-11-27T10:40:00Z'), point('2026-11-27T11:00:00Z')]).fromMs).toBe(at('2026-11-27T10:40:00Z'));
    // A pipeline started a minute ago: 15 bars, the data at the right.
    expect(startAtFirstData(hour, [point('2026-11-27T11:22:00Z')]).fromMs).toBe(at('2026-11-27T11:08:00Z'));
    expect(startAtFirstData(hour, []).fromMs).toBe(at('2026-11-27T11:08:00Z'));
  });

  it('never starts before the range', () => {
    expect(startAtFirstData(hour, [point('2026-11-27T10:23:00Z')])).toEqual(hour);
  });
});

