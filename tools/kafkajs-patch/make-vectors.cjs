#!/usr/bin/env node
/**
 * Writes the test vectors of patches/kafkajs+2.2.4.patch from an UNPATCHED kafkajs 2.2.4, so the spec
 * (libs/kafka/src/lib/kafkajs-patch.spec.ts) proves the patched library encodes and decodes byte for byte as the
 * released one did. Run once when the patch changes what it touches:
 *   mkdir -p tmp/kafkajs-orig && npm pack kafkajs@2.2.4 --pack-destination tmp && tar xzf tmp/kafkajs-2.2.4.tgz -C tmp/kafkajs-orig
 *   node tools/kafkajs-patch/make-vectors.cjs tmp/kafkajs-orig/package > libs/kafka/src/lib/kafkajs-patch.vectors.json
 */
const { join, resolve } = require('path');

const root = resolve(process.argv[2] ?? '');
const load = (rel) => require(join(root, 'src', rel));
const Record = load('protocol/recordBatch/record/v0');
const { RecordBatch } = load('protocol/recordBatch/v0');
const decodeRecordBatch = load('protocol/recordBatch/v0/decoder');
const Decoder = load('protocol/decoder');
const Long = load('utils/long');
const crc32C = load('protocol/recordBatch/crc32C');
const murmur2 = load('producer/partitioners/default/murmur2');
const groupMessagesPerPartition = load('producer/groupMessagesPerPartition');
const produceRequest = load('protocol/requests/produce/v3/request');
const encodeRequest = load('protocol/request');
if (typeof Decoder.prototype.readVarLongAsNumberOrLong === 'function') throw new Error(`${root} is the patched kafkajs`);

/** Deterministic bytes (xorshift32), so the vectors do not change between runs. */
function bytes(length, seed) {
  const out = Buffer.alloc(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
const hex = (b) => (b == null ? null : Buffer.from(b).toString('hex'));
/** Inputs as JSON: Buffers become {hex}, so the spec can rebuild the exact argument. */
const encodeInput = (v) =>
  Buffer.isBuffer(v) ? { hex: v.toString('hex') } : Array.isArray(v) ? v.map(encodeInput)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeInput(x)])) : v;
const decodedRecord = (r) => ({ offset: r.offset, timestamp: r.timestamp, key: hex(r.key), value: hex(r.value),
  headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(hex) : hex(v)])) });

const timestampDeltas = [0, 1, -1, 63, 64, -65, 8192, 2 ** 29, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), 2 ** 31, 2 ** 32 + 5, -(2 ** 40), 2 ** 52, 1733000000000];
const headerSets = [undefined, {}, { 'event-type': 'page_view', 'schema-version': '1' },
  { repeated: ['x', 'y', 'z'], 'ü-key': bytes(3, 7), empty: '' }];
const keys = [null, 'session-1', bytes(16, 3)];
const values = [null, '{"a":1}', bytes(130, 11), 'é'.repeat(70)];

(async () => {
  const records = [];
  // Every timestamp delta with every header set; keys and values rotate through those combinations.
  let combination = 0;
  for (const timestampDelta of timestampDeltas) for (const headers of headerSets) {
    const key = keys[combination % keys.length];
    const value = values[combination++ % values.length];
    const input = { offsetDelta: records.length % 200, timestampDelta, key, value, headers };
    records.push({ input: encodeInput(input), hex: hex(Record(input).buffer) });
  }

  const batches = [];
  for (const firstOffset of ['0', '4242', String(2 ** 53 + 10), '9223372036854775000']) for (const firstTimestamp of [1733000000000, 0]) {
    const messages = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: bytes(i * 5, i + 1),
      headers: i % 3 ? { h: 'x', [`d${i % 2}`]: ['1', '2'] } : undefined, timestamp: firstTimestamp + i * 997 }));
    const encoded = (await RecordBatch({ firstOffset: Long.fromString(firstOffset), firstTimestamp, maxTimestamp: firstTimestamp + 11 * 997,
      lastOffsetDelta: messages.length - 1,
      records: messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: m.timestamp - firstTimestamp })) })).buffer;
    const decoded = await decodeRecordBatch(new Decoder(encoded));
    batches.push({ firstOffset, firstTimestamp, hex: hex(encoded), records: decoded.records.map(decodedRecord) });
  }

  const messages = Array.from({ length: 60 }, (_, i) => ({ key: `key-${i % 17}`, value: JSON.stringify({ i }),
    headers: { 'event-type': i % 2 ? 'search' : 'page_view' }, partition: i % 3 }));
  const byPartition = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner: ({ message }) => message.partition });
  const topicData = [{ topic: 'events', partitions: Object.keys(byPartition).map((p) => ({ partition: Number(p), firstSequence: 0, messages: byPartition[p] })) }];
  const now = 1733000000000;
  const realNow = Date.now;
  Date.now = () => now;
  const request = await produceRequest({ acks: -1, timeout: 30000, compression: 0, topicData }).encode();
  // The whole request as the connection sends it (size, header, payload), with a client id and without one.
  const framed = [];
  for (const [correlationId, clientId] of [[7, 'generator-ünï'], [2 ** 31 - 1, null]]) {
    const payload = produceRequest({ acks: -1, timeout: 30000, compression: 0, topicData, transactionalId: clientId && 'tx-1' });
    framed.push({ correlationId, clientId, transactional: clientId !== null, hex: hex((await encodeRequest({ correlationId, clientId, request: payload })).buffer) });
  }
  Date.now = realNow;

  const crcInputs = [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099].map((n, i) => ({ seed: i + 1, length: n }));
  const murmurKeys = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', '21ae0e3a-8f1f-4d47-9b6a-2a3f7b1f0e1c', 'ünïcödé', ...Array.from({ length: 40 }, (_, i) => hex(bytes(i, 100 + i)))];

  process.stdout.write(JSON.stringify({
    kafkajs: require(join(root, 'package.json')).version,
    records,
    batches,
    produce: { now, messages, partitions: Object.fromEntries(Object.entries(byPartition).map(([p, ms]) => [p, ms.map((m) => messages.indexOf(m))])), hex: hex(request.buffer), framed },
    crc32C: crcInputs.map((c) => ({ ...c, crc: crc32C(bytes(c.length, c.seed)) })),
    murmur2: murmurKeys.map((key) => ({ key, hash: murmur2(key) })),
  }, null, 1) + '\n');
})().catch((error) => { console.error(error); process.exit(1); });
