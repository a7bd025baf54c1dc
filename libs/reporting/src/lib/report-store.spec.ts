import { samplePageView, samplePurchase, type ShopEvent } from '@pipeline/events';
import { reportToJson } from '@pipeline/quality';
import {
  hourlyQualityReportKey,
  listHourPartitions,
  LocalFileSystemBackend,
  METRIC_TABLE_NAMES,
  metricTableKey,
  PartitionedEventSink,
  PartitionPath,
  rollupHour,
} from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ReportStore } from './report-store';
import { hourReport, ruleResult } from './testing/fixtures';

const HOUR = 3_600_000;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Two stored hours (10:00 and 12:00, none at 11:00), written and rolled up by the storage library. */
async function storeEvents(backend: LocalFileSystemBackend): Promise<void> {
  const events: ShopEvent[] = [
    samplePageView({ event_id: id(1), event_time: '2026-11-27T10:01:00.000Z', session_id: 's-1' }),
    samplePageView({ event_id: id(2), event_time: '2026-11-27T10:02:00.000Z', session_id: 's-2', device: { type: 'desktop', os: 'Linux', browser: 'Firefox' } }),
    samplePurchase({ event_id: id(3), event_time: '2026-11-27T10:03:00.000Z', session_id: 's-1' }),
    samplePageView({ event_id: id(4), event_time: '2026-11-27T12:30:00.000Z', session_id: 's-3' }),
    samplePurchase({ event_id: id(5), event_time: '2026-11-27T12:31:00.000Z', session_id: 's-3', order_id: 'o-2' } as Partial<ShopEvent>),
  ];
  const sink = new PartitionedEventSink(backend);
  const written = await sink.writeBatch({ topic: 'ecommerce.events', partition: 0, firstOffset: '0', lastOffset: '4', events });
  await sink.completeBatch('ecommerce.events', 0);
  for (const hour of written.hours) await rollupHour(backend, hour);
  const h10 = PartitionPath.parse('year=2026/month=11/day=27/hour=10');
  await backend.writeAtomic(
    hourlyQualityReportKey(h10, 'json'),
    Buffer.from(reportToJson(hourReport(h10.toIsoString(), [ruleResult('not_null', 4, 1)], 4, 3)), 'utf8'),
  );
}

describe('ReportStore', () => {
  let dir: string;
  let store: ReportStore;
  const range = { fromMs: Date.parse('2026-11-27T10:00:00Z'), toMs: Date.parse('2026-11-27T13:00:00Z') };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reporting-store-'));
    const backend = new LocalFileSystemBackend(dir);
    await storeEvents(backend);
    store = new ReportStore(backend, () => 0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('anchors the default range on the end of the newest stored hour', async () => {
    expect(new Date(await store.latestDataEndMs()).toISOString()).toBe('2026-11-27T13:00:00.000Z');
    expect(await store.resolveRange()).toEqual({ fromMs: Date.parse('2026-11-26T13:00:00Z'), toMs: Date.parse('2026-11-27T13:00:00Z') });
    expect(await store.resolveRange({ fromMs: range.fromMs }, 2 * HOUR)).toEqual({ fromMs: range.fromMs, toMs: range.fromMs + 2 * HOUR });
  });

  it('falls back to the current hour when nothing is stored', async () => {
    const empty = new ReportStore(new LocalFileSystemBackend(path.join(dir, 'empty')), () => Date.parse('2026-11-27T10:20:00Z'));
    expect(new Date(await empty.latestDataEndMs()).toISOString()).toBe('2026-11-27T11:00:00.000Z');
  });

  it('sums the stored hours of a range', async () => {
    const summary = await store.summary(range);
    expect(summary).toMatchObject({
      hours: 2,
      events: 5,
      orders: 2,
      units: 6,
      revenueCents: 6096,
      revenue: '60.96',
      averageOrderValue: '30.48',
      eventsByType: { page_view: 3, purchase: 2, search: 0 },
      quality: { score: 0, label: '0/1', hours: 1 },
    });
    expect((await store.summary({ fromMs: range.fromMs, toMs: range.fromMs + HOUR })).events).toBe(3);
  });

  it('builds every figure of a snapshot from the same files', async () => {
    const snapshot = await store.snapshot(range, 1);
    expect(snapshot.hourly.map((h) => h.events)).toEqual([3, 0, 2]);
    expect(snapshot.products).toEqual([
      expect.objectContaining({ productId: 'p-0001', name: 'Blue Mug', units: 4, revenueCents: 5196, revenue: '51.96' }),
    ]);
    expect(snapshot.devices.map((d) => [d.deviceType, d.events, d.orders])).toEqual([
      ['desktop', 1, 0],
      ['mobile', 4, 2],
      ['tablet', 0, 0],
    ]);
    expect(snapshot.funnel.map((f) => [f.stage, f.sessions])).toEqual([
      ['viewed', 3],
      ['added_to_cart', 0],
      ['purchased', 2],
    ]);
    expect(snapshot.quality.hours.map((h) => h.hour)).toEqual(['2026-11-27T10:00:00.000Z']);
    expect(snapshot.summary).toEqual(await store.summary(range));
    expect(await store.topProducts(range, 1)).toEqual(snapshot.products);
    expect(await store.devices(range)).toEqual(snapshot.devices);
    expect(await store.funnel(range)).toEqual(snapshot.funnel);
    expect(await store.quality(range)).toEqual(snapshot.quality);
    expect(await store.hourly(range)).toEqual(snapshot.hourly);
  });

  it('answers the same from a lake whose tables were written before the column rename (`hour`, not `hour_start`)', async () => {
    const before = await store.snapshot(range, 1);
    const legacyDir = path.join(dir, 'legacy');
    const legacy = new LocalFileSystemBackend(legacyDir);
    await storeEvents(legacy);
    let rewritten = 0;
    for (const table of METRIC_TABLE_NAMES) {
      for (const hour of await listHourPartitions(legacy, `metrics/${table}`)) {
        const key = metricTableKey(table, hour, 'csv');
        const csv = (await legacy.read(key)).toString('utf8');
        expect(csv.startsWith('hour_start,')).toBe(true);
        await legacy.writeAtomic(key, Buffer.from(csv.replace(/^hour_start,/, 'hour,'), 'utf8'));
        rewritten++;
      }
    }
    expect(rewritten).toBe(METRIC_TABLE_NAMES.length * 2);
    expect(await new ReportStore(legacy, () => 0).snapshot(range, 1)).toEqual(before);
  });
});
