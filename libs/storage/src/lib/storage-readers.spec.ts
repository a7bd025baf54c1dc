import { LocalFileSystemBackend } from './local-file-system-backend';
import { MetricsRollup } from './metrics-rollup';
import { PartitionedEventSink } from './partitioned-event-sink';
import { PartitionPath } from './partition-path';
import { metricTableKey } from './storage-layout';
import { listHourPartitions, readMetricRange, readMetricTable } from './storage-readers';
import { eventStream } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';

describe('storage readers', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  const events = eventStream(240, '2026-11-27T22:00:00.000Z', 4, 9); // hours 22, 23, 00, 01 across midnight

  beforeAll(async () => {
    temp = makeTempDir('readers');
    backend = new LocalFileSystemBackend(temp.dir);
    const sink = new PartitionedEventSink(backend);
    const written = await sink.writeBatch({ topic: 'ecommerce.events', partition: 0, firstOffset: '0', lastOffset: '239', events });
    await sink.completeBatch('ecommerce.events', 0);
    await new MetricsRollup(backend).rollupHours(written.hours);
  });
  afterAll(() => temp.cleanup());

  it('lists the hours of a dataset in order', async () => {
    const hours = (await listHourPartitions(backend, 'events')).map(String);
    expect(hours).toEqual([
      'year=2026/month=11/day=27/hour=22',
      'year=2026/month=11/day=27/hour=23',
      'year=2026/month=11/day=28/hour=00',
      'year=2026/month=11/day=28/hour=01',
    ]);
    expect((await listHourPartitions(backend, 'partials')).map(String)).toEqual(hours);
    expect((await listHourPartitions(backend, 'metrics/funnel')).map(String)).toEqual(hours);
  });

  it('keeps the hours overlapping [from, to)', async () => {
    const from = Date.parse('2026-11-27T23:30:00.000Z');
    const to = Date.parse('2026-11-28T01:00:00.000Z');
    expect((await listHourPartitions(backend, 'events', from, to)).map(String)).toEqual([
      'year=2026/month=11/day=27/hour=23',
      'year=2026/month=11/day=28/hour=00',
    ]);
    expect(await listHourPartitions(backend, 'events', Date.parse('2026-12-01T00:00:00Z'))).toEqual([]);
  });

  it('reads a metric table as typed rows, [] for an hour without data', async () => {
    const rows = await readMetricTable(backend, 'events_by_type', 'year=2026/month=11/day=28/hour=00');
    expect(rows.map((r) => r['event_type'])).toEqual(['page_view', 'search', 'add_to_cart', 'remove_from_cart', 'purchase']);
    expect(typeof rows[0]['events']).toBe('number');
    expect(await readMetricTable(backend, 'summary', 'year=2026/month=11/day=29/hour=00')).toEqual([]);
  });

  it('reads a range of hours, and the summaries add up to the stream', async () => {
    const rows = await readMetricRange(backend, 'summary', Date.parse('2026-11-27T00:00:00Z'), Date.parse('2026-11-29T00:00:00Z'));
    expect(rows.map((r) => r['hour_start'])).toEqual([
      '2026-11-27T22:00:00.000Z',
      '2026-11-27T23:00:00.000Z',
      '2026-11-28T00:00:00.000Z',
      '2026-11-28T01:00:00.000Z',
    ]);
    expect(rows.reduce((n, r) => n + Number(r['events']), 0)).toBe(240);
    const revenue = events.reduce((sum, e) => sum + (e.event_type === 'purchase' ? e.revenue_cents : 0), 0);
    expect(rows.reduce((n, r) => n + Number(r['revenue_cents']), 0)).toBe(revenue);
  });

  it('reads tables written before the column rename (`hour`, not `hour_start`) next to new ones, as if written now', async () => {
    const range = [Date.parse('2026-11-27T00:00:00Z'), Date.parse('2026-11-29T00:00:00Z')] as const;
    const before = await readMetricRange(backend, 'summary', ...range);
    const oldHour = PartitionPath.parse('year=2026/month=11/day=27/hour=23');
    const key = metricTableKey('summary', oldHour, 'csv');
    const csv = (await backend.read(key)).toString('utf8');
    await backend.writeAtomic(key, Buffer.from(csv.replace(/^hour_start,/, 'hour,'), 'utf8'));
    try {
      expect((await backend.read(key)).toString('utf8')).toMatch(/^hour,events,/);
      expect(await readMetricRange(backend, 'summary', ...range)).toEqual(before);
      expect((await readMetricTable(backend, 'summary', oldHour))[0]).toMatchObject({ hour_start: '2026-11-27T23:00:00.000Z' });
      expect(Object.keys((await readMetricTable(backend, 'summary', oldHour))[0])).not.toContain('hour');
    } finally {
      await backend.writeAtomic(key, Buffer.from(csv, 'utf8'));
    }
  });
});
