// The parsers of Kafka's ProducerPerformance / ConsumerPerformance output, on lines those tools printed (Kafka 4.4):
//   node --test bench/lib/kafka.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConsumerPerformance, parseProducerPerformance } from './kafka.mjs';

test('ProducerPerformance: the final line with percentiles is the summary, progress lines are not', () => {
  assert.equal(parseProducerPerformance('17983 records sent, 3593.0 records/sec (1.44 MB/sec), 1407.1 ms avg latency, 2329.0 ms max latency.'), null);
  assert.deepEqual(
    parseProducerPerformance(
      '50000 records sent, 6549.646319 records/sec (2.63 MB/sec), 2472.84 ms avg latency, 3834.00 ms max latency, 2735 ms 50th, 3580 ms 95th, 3791 ms 99th, 3833 ms 99.9th.',
    ),
    { records: 50000, recordsPerSec: 6549.646319, mbPerSec: 2.63, avgLatencyMs: 2472.84, maxLatencyMs: 3834, p50Ms: 2735, p99Ms: 3791 },
  );
});

const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

test('ConsumerPerformance: the summary is read by column name', () => {
  assert.deepEqual(
    parseConsumerPerformance([HEADER, '2026-12-02 04:59:09:695, 2026-12-02 04:59:14:374, 20.0748, 4.2904, 50000, 10686.0440, 3140, 1539, 13.0441, 32488.6290']),
    { records: 50000, mb: 20.0748, recordsPerSec: 10686.044, mbPerSec: 4.2904, rebalanceMs: 3140, fetchMs: 1539, fetchRecordsPerSec: 32488.629, fetchMbPerSec: 13.0441 },
  );
});

test('ConsumerPerformance: a WARNING between header and values is skipped, the short count is reported', () => {
  const parsed = parseConsumerPerformance([
    HEADER,
    'WARNING: Exiting before consuming the expected number of records: timeout (3000 ms) exceeded. You can use the --timeout option to increase the timeout.',
    '2026-12-02 05:00:09:892, 2026-12-02 05:00:15:790, 20.0748, 3.4037, 50000, 8477.4500, 1392, 4506, 4.4551, 11096.3160',
  ]);
  assert.equal(parsed.records, 50000);
  assert.equal(parsed.fetchRecordsPerSec, 11096.316);
});

test('ConsumerPerformance: columns in another order still land on the right figures', () => {
  const parsed = parseConsumerPerformance([
    'start.time, end.time, data.consumed.in.nMsg, nMsg.sec, data.consumed.in.MB, MB.sec, fetch.nMsg.sec, fetch.MB.sec, fetch.time.ms, rebalance.time.ms',
    '2026-12-02 04:59:09:695, 2026-12-02 04:59:14:374, 50000, 10686.0440, 20.0748, 4.2904, 32488.6290, 13.0441, 1539, 3140',
  ]);
  assert.equal(parsed.fetchRecordsPerSec, 32488.629);
  assert.equal(parsed.rebalanceMs, 3140);
  assert.equal(parsed.mb, 20.0748);
});

test('ConsumerPerformance: no summary (detailed stats, nothing printed, a missing column) is null or an error', () => {
  assert.equal(parseConsumerPerformance([]), null);
  assert.equal(parseConsumerPerformance([HEADER]), null);
  assert.equal(
    parseConsumerPerformance([
      'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-12-02 05:00:22:675, 0, 8.0022, 15.8452, 19931, 39465.3465, 0, 505, 15.8452, 39465.3465',
    ]),
    null,
  );
  assert.throws(
    () => parseConsumerPerformance(['start.time, end.time, data.consumed.in.nMsg', '2026-12-02 04:59:09:695, 2026-12-02 04:59:14:374, 50000']),
    /no number in column data.consumed.in.MB/,
  );
});
