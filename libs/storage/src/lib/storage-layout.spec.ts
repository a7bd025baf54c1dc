import { PartitionPath } from './partition-path';
import {
  batchFileStem,
  metricTableKey,
  padOffset,
  parseBatchFileName,
  parseOffset,
  partialFileKey,
  pendingMarkerKey,
  rawEventFileKey,
} from './storage-layout';

describe('storage layout', () => {
  const hour = PartitionPath.parse('year=2026/month=11/day=27/hour=09');

  it('names batch files like the Kafka Connect S3 sink, offsets zero-padded to 20 digits', () => {
    const stem = batchFileStem('ecommerce.events', 0, '42');
    expect(stem).toBe('ecommerce.events+0+00000000000000000042');
    expect(rawEventFileKey(hour, stem)).toBe(
      'events/year=2026/month=11/day=27/hour=09/ecommerce.events+0+00000000000000000042.parquet',
    );
    expect(partialFileKey(hour, stem)).toBe(
      'partials/year=2026/month=11/day=27/hour=09/ecommerce.events+0+00000000000000000042.json',
    );
    expect(pendingMarkerKey('ecommerce.events', 2)).toBe('_pending/ecommerce.events+2.json');
    expect(metricTableKey('summary', hour, 'csv')).toBe('metrics/summary/year=2026/month=11/day=27/hour=09/summary.csv');
  });

  it('sorts file names in offset order, including offsets beyond 2^53', () => {
    const offsets = ['9', '10', '100', '9007199254740993', '9223372036854775807', '0'];
    const names = offsets.map((o) => batchFileStem('t', 1, o));
    const byName = [...names].sort();
    const byOffset = [...offsets].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).map((o) => batchFileStem('t', 1, o));
    expect(byName).toEqual(byOffset);
    expect(padOffset('9223372036854775807')).toBe('09223372036854775807');
  });

  it('parses a file name back to topic, partition and offset', () => {
    expect(parseBatchFileName('events/year=2026/month=11/day=27/hour=09/ecommerce.events+12+00009007199254740993.parquet')).toEqual({
      topic: 'ecommerce.events',
      partition: 12,
      firstOffset: '9007199254740993',
      extension: 'parquet',
    });
    expect(parseBatchFileName('summary.csv')).toBeNull();
    expect(parseBatchFileName('t+0+42.parquet')).toBeNull();
  });

  it('rejects offsets and topics that would break the naming', () => {
    expect(() => parseOffset('-1')).toThrow();
    expect(() => parseOffset('1.5')).toThrow();
    expect(() => parseOffset('9223372036854775808')).toThrow(/int64/);
    expect(() => batchFileStem('a/b', 0, '1')).toThrow(/topic/);
    expect(() => batchFileStem('a+b', 0, '1')).toThrow(/topic/);
    expect(() => batchFileStem('t', -1, '1')).toThrow(/partition/);
  });
});
