import { DEVICE_TYPES, SCHEMA_VERSION, type ShopEvent } from '@pipeline/events';
import { compactHour, LocalFileSystemBackend, PartitionedEventSink } from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HOUR_MS, type TimeRange } from '../time-range';
import { DuckDbWindowReader } from './duckdb-window-reader';
import { EventLake, localPathSource } from './event-lake';
import { exactDevices, exactFunnel, exactHourly, exactSummary, exactTopProducts } from './exact-figures';
import { ExactRangeEngine, hourWindowsOf, type RangeDigests } from './exact-range-engine';
import { totalsOf } from './window-digest';

/**
 * The incremental paths of the engine (a changed hour read file by file and counted against the kept union of
 * the other hours) checked against a full recomputation: one DuckDB scan of every file of the range, no cache,
 * after each of several appends to the newest hours, an append to an older hour, and a compaction that replaces
 * the files of the newest hour.
 */
jest.setTimeout(120_000);

const DAY = '2026-11-27';
const HOURS = [9, 10, 11, 12].map((h) => Date.parse(`${DAY}T${String(h).padStart(2, '0')}:00:00.000Z`));
const PRODUCTS = [
  { product_id: 'p-1', name: 'Mug', category: 'Home', price_cents: 1299, currency: 'USD' as const },
  { product_id: 'p-2', name: 'Lamp', category: 'Home', price_cents: 4550, currency: 'USD' as const },
  { product_id: 'p-3', name: 'Pen', category: 'Office', price_cents: 199, currency: 'USD' as const },
];

/** A small seeded generator (mulberry32): the same events on every run. */
function randomOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let eventNumber = 0;
/**
 * `count` events in the hours given, from a small pool of sessions, users and order ids, so that sessions span
 * hours, gain funnel flags in later hours, and an order id can appear in two hours or on two device types.
 */
function eventsIn(hourStarts: readonly number[], count: number, seed: number): ShopEvent[] {
  const random = randomOf(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () => {
    eventNumber++;
    const session = `s-${Math.floor(random() * 40)}`;
    const product = { ...pick(PRODUCTS) };
    if (random() < 0.1) product.name = `${product.name} (new)`;
    const envelope = {
      event_id: `00000000-0000-4000-8000-${String(eventNumber).padStart(12, '0')}`,
      schema_version: SCHEMA_VERSION,
      event_time: new Date(pick(hourStarts) + Math.floor(random() * HOUR_MS)).toISOString(),
      user_id: `u-${Math.floor(random() * 15)}`,
      session_id: session,
      device: { type: pick(DEVICE_TYPES), os: 'Android', browser: 'Chrome' },
      country: 'DE',
      page: '/',
      referrer: null,
    };
    const kind = random();
    if (kind < 0.4) return { ...envelope, event_type: 'page_view' as const, product };
    if (kind < 0.55) return { ...envelope, event_type: 'search' as const, query: 'mug', results_count: 1 };
    if (kind < 0.8) return { ...envelope, event_type: 'add_to_cart' as const, product, quantity: 1 + Math.floor(random() * 3) };
    const quantity = 1 + Math.floor(random() * 3);
    return {
      ...envelope,
      event_type: 'purchase' as const,
      // Mostly fresh order ids, some from a small pool that repeats across hours and devices.
      order_id: random() < 0.3 ? `o-shared-${Math.floor(random() * 5)}` : `o-${eventNumber}`,
      items: [{ ...product, quantity }],
      revenue_cents: product.price_cents * quantity,
      currency: 'USD' as const,
      payment_method: 'card' as const,
    };
  });
}

describe('ExactRangeEngine: changed hours read incrementally, figures equal to a full recomputation', () => {
  let dir: string;
  let backend: LocalFileSystemBackend;
  let lake: EventLake;
  let reader: DuckDbWindowReader;
  let engine: ExactRangeEngine;
  let offset = 0;
  const write = async (events: ShopEvent[]) => {
    const sink = new PartitionedEventSink(backend);
    await sink.writeBatch({ topic: 'ecommerce.events', partition: 0, firstOffset: String(offset), lastOffset: String(offset + events.length - 1), events });
    await sink.completeBatch('ecommerce.events', 0);
    offset += events.length;
  };

  const RANGES: [string, TimeRange][] = [
    ['four whole hours', { fromMs: HOURS[0], toMs: HOURS[3] + HOUR_MS }],
    ['mid-hour bounds, odd milliseconds', { fromMs: HOURS[0] + 17 * 60_000 + 123, toMs: HOURS[3] + 41 * 60_000 + 1 }],
    ['the newest two hours', { fromMs: HOURS[2], toMs: HOURS[3] + HOUR_MS }],
    ['the newest hour', { fromMs: HOURS[3], toMs: HOURS[3] + HOUR_MS }],
    ['three hours, the newest not the last of the lake', { fromMs: HOURS[0], toMs: HOURS[2] + HOUR_MS }],
  ];

  /** Every figure of a range's answer, from its digests. */
  const figures = (d: RangeDigests) => ({
    summary: exactSummary(d, []),
    hourly: exactHourly(d.hours),
    products: exactTopProducts(d.total, 100),
    devices: exactDevices(d.total),
    funnel: exactFunnel(d.total),
  });

  /** The same figures with nothing cached and nothing incremental: DuckDB scans all files of the range at once. */
  const recomputed = async (range: TimeRange) => {
    const fresh = new DuckDbWindowReader({ threads: 1 });
    try {
      const listing = await new ExactRangeEngine(lake, fresh).listFor([range]);
      const paths = (hour: number) => lake.localPaths(listing.filesOf(hour));
      const hours = await Promise.all(
        hourWindowsOf(range).map(async (w) => ({ ...w, digest: await fresh.digest(await paths(w.hourStartMs), w.fromMs, w.toMs) })),
      );
      const allPaths = (await Promise.all(hourWindowsOf(range).map((w) => paths(w.hourStartMs)))).flat();
      const total = totalsOf(await fresh.digest(allPaths, range.fromMs, range.toMs));
      return figures({ range, listing, hours, total });
    } finally {
      fresh.close();
    }
  };

  const expectAllRangesExact = async (step: string) => {
    for (const [name, range] of RANGES) {
      const incremental = figures(await engine.rangeDigests(range));
      expect({ step, name, ...incremental }).toEqual({ step, name, ...(await recomputed(range)) });
    }
  };

  /** The files of each digest the engine's reader computed during `work`. */
  const filesReadDuring = async (work: () => Promise<unknown>): Promise<number[]> => {
    const spy = jest.spyOn(reader, 'digest');
    try {
      await work();
      return spy.mock.calls.map(([paths]) => paths.length);
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'exact-engine-'));
    backend = new LocalFileSystemBackend(dir);
    lake = new EventLake(backend, localPathSource(backend));
    reader = new DuckDbWindowReader({ threads: 1 });
    engine = new ExactRangeEngine(lake, reader);
    // Two batches, so every hour starts with two files.
    await write(eventsIn(HOURS, 160, 1));
    await write(eventsIn(HOURS, 160, 2));
  });

  afterAll(() => {
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has data that makes the comparison meaningful', async () => {
    const { summary } = await recomputed(RANGES[0][1]);
    const hourly = exactHourly((await engine.rangeDigests(RANGES[0][1])).hours);
    // Sessions and users recur across hours: the range's distinct counts are below the sum of the hours'.
    expect(summary.sessions).toBeLessThan(hourly.reduce((n, h) => n + h.sessions, 0));
    expect(summary.users).toBeLessThan(hourly.reduce((n, h) => n + h.users, 0));
    expect(summary.orders).toBeLessThan(hourly.reduce((n, h) => n + h.orders, 0));
    expect(summary.purchasingSessions).toBeGreaterThan(3);
  });

  it('equals the recomputation at the start, after appends to the newest hours, and reads only the new files', async () => {
    await expectAllRangesExact('start');
    for (let i = 0; i < 4; i++) {
      // A flush of a live processor: the current hour, and around the turn of the hour the one before too.
      await write(eventsIn(i % 2 === 0 ? [HOURS[3]] : [HOURS[2], HOURS[3]], 25, 100 + i));
      const reads = await filesReadDuring(() => engine.rangeDigests(RANGES[0][1]));
      expect({ append: i, reads }).toEqual({ append: i, reads: i % 2 === 0 ? [1] : [1, 1] });
      await expectAllRangesExact(`append ${i}`);
    }
  });

  it('equals the recomputation after a late file in an older hour (the kept union is rebuilt)', async () => {
    await write(eventsIn([HOURS[0]], 20, 200));
    await expectAllRangesExact('late file in the oldest hour');
  });

  it('equals the recomputation after compaction replaced the files of the newest hour, and after an append to it', async () => {
    const before = await lake.listHours([HOURS[3]]);
    const result = await compactHour(backend, 'year=2026/month=11/day=27/hour=12');
    expect(result.outcome).toBe('compacted');
    const after = await lake.listHours([HOURS[3]]);
    expect(after.filesOf(HOURS[3]).length).toBeLessThan(before.filesOf(HOURS[3]).length);
    // Files gone from the hour: it is read again whole (one file now), not merged into what the old files gave.
    expect(await filesReadDuring(() => engine.rangeDigests(RANGES[0][1]))).toEqual([after.filesOf(HOURS[3]).length]);
    await expectAllRangesExact('compacted');
    await write(eventsIn([HOURS[3]], 25, 300));
    await expectAllRangesExact('append after compaction');
  });
});
