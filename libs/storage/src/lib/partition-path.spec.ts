import { PartitionPath } from './partition-path';

describe('PartitionPath', () => {
  it('places an event time in its UTC hour', () => {
    const p = PartitionPath.fromEventTime(Date.parse('2026-11-27T09:59:59.999Z'));
    expect(p.toString()).toBe('year=2026/month=11/day=27/hour=09');
    expect(p.startMs).toBe(Date.parse('2026-11-27T09:00:00.000Z'));
    expect(p.endMs).toBe(Date.parse('2026-11-27T10:00:00.000Z'));
    expect(p.toIsoString()).toBe('2026-11-27T09:00:00.000Z');
    expect(p.contains(Date.parse('2026-11-27T10:00:00.000Z'))).toBe(false);
  });

  it('round-trips through toString/parse for every hour of a year with a leap day', () => {
    let p = PartitionPath.fromEventTime(Date.parse('2028-01-01T00:00:00.000Z'));
    const end = Date.parse('2029-01-01T00:00:00.000Z');
    let hours = 0;
    while (p.startMs < end) {
      const back = PartitionPath.parse(p.toString());
      expect(back.startMs).toBe(p.startMs);
      p = p.next();
      hours++;
    }
    expect(hours).toBe(366 * 24);
  });

  it('parses the partition out of a longer key', () => {
    const p = PartitionPath.parse('events/year=2026/month=01/day=02/hour=23/ecommerce.events+0+00000000000000000001.parquet');
    expect([p.year, p.month, p.day, p.hour]).toEqual([2026, 1, 2, 23]);
  });

  it('rejects missing or impossible partitions instead of rolling them over', () => {
    expect(() => PartitionPath.parse('events/x.parquet')).toThrow(/no valid/);
    expect(PartitionPath.tryParse('year=2026/month=02/day=30/hour=00')).toBeNull();
    expect(PartitionPath.tryParse('year=2026/month=11/day=27/hour=24')).toBeNull();
  });

  it('sorts chronologically', () => {
    const hours = ['2026-11-27T10:00:00Z', '2026-11-26T23:00:00Z', '2026-11-27T09:00:00Z'].map((t) =>
      PartitionPath.fromEventTime(Date.parse(t)),
    );
    expect(hours.sort(PartitionPath.compare).map(String)).toEqual([
      'year=2026/month=11/day=26/hour=23',
      'year=2026/month=11/day=27/hour=09',
      'year=2026/month=11/day=27/hour=10',
    ]);
  });
});
