import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * patches/kafkajs+2.2.4.patch (applied by `patch-package` on `npm ci`) rewrites kafkajs's per-record hot paths:
 * record and header encoding, varints, the record batch checksum, the default partitioner's murmur2, and the
 * record decoder's headers, offsets and timestamps (a record's key, value and headers are read on demand). These
 * checks prove that the patch is applied and that the patched library writes and reads the bytes the released
 * kafkajs 2.2.4 did: the vectors were made by the unpatched library (tools/kafkajs-patch/make-vectors.cjs). The
 * pipeline tests then run it against a real broker, which verifies every batch's checksum and record framing on
 * produce.
 */
const kafkajsRequire = createRequire(require.resolve('kafkajs'));
const load = <T>(path: string): T => kafkajsRequire(`./src/${path}`) as T;

interface EncoderLike {
  buffer: Buffer;
}
interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
}
type Json = null | string | number | boolean | { hex: string } | Json[] | { [key: string]: Json };

const Record = load<(input: unknown) => EncoderLike>('protocol/recordBatch/record/v0');
const { RecordBatch } = load<{ RecordBatch: (input: unknown) => Promise<EncoderLike> }>('protocol/recordBatch/v0');
const decodeRecordBatch = load<(decoder: unknown) => Promise<{ records: DecodedRecord[] }>>('protocol/recordBatch/v0/decoder');
const Decoder = load<{ new (buffer: Buffer): unknown; prototype: Record<string, unknown> }>('protocol/decoder');
const Encoder = load<{ new (): { writeVarLong(v: number): EncoderLike } }>('protocol/encoder');
const crc32C = load<(buffer: Buffer) => number>('protocol/recordBatch/crc32C');
const murmur2 = load<(key: string | Buffer) => number>('producer/partitioners/default/murmur2');
const groupMessagesPerPartition = load<(input: unknown) => Record<string, unknown[]>>('producer/groupMessagesPerPartition');
const Batch = load<new (topic: string, fetchedOffset: string, partitionData: unknown) => { messages: { offset: string }[] }>('consumer/batch');
const produceRequest = load<(input: unknown) => { encode(): Promise<EncoderLike> }>('protocol/requests/produce/v3/request');
const encodeRequest = load<(input: { correlationId: number; clientId: string | null; request: unknown }) => Promise<EncoderLike>>('protocol/request');
const Long = load<{ fromString(value: string): unknown }>('utils/long');

const vectors = JSON.parse(readFileSync(join(__dirname, 'kafkajs-patch.vectors.json'), 'utf8'));

/** A vector's input back as the argument it was: {hex} objects are Buffers. */
function input(value: Json): unknown {
  if (Array.isArray(value)) return value.map(input);
  if (value && typeof value === 'object') {
    if (typeof value['hex'] === 'string' && Object.keys(value).length === 1) return Buffer.from(value['hex'] as string, 'hex');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, input(v)]));
  }
  return value;
}

/** Same deterministic bytes as make-vectors.cjs. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const hex = (b: Buffer | null) => (b == null ? null : b.toString('hex'));
const plainRecord = (r: DecodedRecord) => ({
  offset: r.offset,
  timestamp: r.timestamp,
  key: hex(r.key),
  value: hex(r.value),
  headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(hex) : hex(v)])),
});

describe('kafkajs patch (patches/kafkajs+2.2.4.patch)', () => {
  it('is applied to the installed kafkajs, which is the version the patch and its vectors are for', () => {
    expect(kafkajsRequire('./package.json').version).toBe(vectors.kafkajs);
    // Missing when `npm ci` ran without its postinstall (e.g. --ignore-scripts): everything works, but slowly.
    expect(typeof Decoder.prototype['readVarLongAsNumberOrLong']).toBe('function');
  });

  it('encodes every record vector to the bytes of the released kafkajs', () => {
    expect(vectors.records.length).toBeGreaterThan(50);
    for (const vector of vectors.records) {
      expect({ input: vector.input, hex: Record(input(vector.input)).buffer.toString('hex') }).toEqual(vector);
    }
  });

  it('encodes record batches to the same bytes and decodes them to the same offsets, timestamps, keys, values and headers', async () => {
    for (const vector of vectors.batches) {
      const decoded = await decodeRecordBatch(new Decoder(Buffer.from(vector.hex, 'hex')));
      expect(decoded.records.map(plainRecord)).toEqual(vector.records);
    }
    // and the patched encoder writes each of them (one buffer, checksum filled in last) byte for byte as released
    for (const vector of vectors.batches as { firstOffset: string; firstTimestamp: number; hex: string }[]) {
      const { firstOffset, firstTimestamp } = vector;
      // The messages make-vectors.cjs encoded.
      const messages = Array.from({ length: 12 }, (_, i) => ({
        key: `k${i}`,
        value: bytes(i * 5, i + 1),
        headers: i % 3 ? { h: 'x', [`d${i % 2}`]: ['1', '2'] } : undefined,
        timestamp: firstTimestamp + i * 997,
      }));
      const encoded = await RecordBatch({
        firstOffset: Long.fromString(firstOffset),
        firstTimestamp,
        maxTimestamp: firstTimestamp + 11 * 997,
        lastOffsetDelta: messages.length - 1,
        records: messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: m.timestamp - firstTimestamp })),
      });
      expect({ firstOffset, firstTimestamp, hex: encoded.buffer.toString('hex') }).toEqual({ firstOffset, firstTimestamp, hex: vector.hex });
    }
    // offsets above 2^53 stay exact (the decimal strings are not rounded through doubles)
    const huge = vectors.batches.find((b: { firstOffset: string }) => b.firstOffset === '9223372036854775000');
    expect(huge.records.at(-1).offset).toBe('9223372036854775011');
  });

  it('builds the produce request of grouped messages byte for byte', async () => {
    const { messages, partitions, now, hex: expected } = vectors.produce;
    const grouped = groupMessagesPerPartition({
      topic: 'events',
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    });
    expect(Object.fromEntries(Object.entries(grouped).map(([p, ms]) => [p, ms.map((m) => messages.indexOf(m))]))).toEqual(partitions);
    const topicData = [
      { topic: 'events', partitions: Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 0, messages: grouped[p] })) },
    ];
    const dateNow = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const request = await produceRequest({ acks: -1, timeout: 30000, compression: 0, topicData }).encode();
      expect(request.buffer.toString('hex')).toBe(expected);
      // framed as the connection sends it: size, header (with and without a client id), payload
      const framed = vectors.produce.framed as { correlationId: number; clientId: string | null; transactional: boolean; hex: string }[];
      expect(framed).toHaveLength(2);
      for (const { correlationId, clientId, transactional, hex: framedHex } of framed) {
        const payload = produceRequest({ acks: -1, timeout: 30000, compression: 0, topicData, transactionalId: transactional ? 'tx-1' : null });
        const bytesSent = (await encodeRequest({ correlationId, clientId, request: payload })).buffer;
        expect({ clientId, hex: bytesSent.toString('hex') }).toEqual({ clientId, hex: framedHex });
      }
    } finally {
      dateNow.mockRestore();
    }
  });

  it('checksums (CRC-32C) and partitions (murmur2) as before', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
    for (const { seed, length, crc } of vectors.crc32C) expect({ length, crc: crc32C(bytes(length, seed)) }).toEqual({ length, crc });
    // a slice that starts inside a larger buffer
    const whole = bytes(100, 5);
    expect(crc32C(whole.subarray(3, 67))).toBe(crc32C(Buffer.from(whole.subarray(3, 67))));
    for (const { key, hash } of vectors.murmur2) expect({ key, hash: murmur2(key) }).toEqual({ key, hash });
  });

  it('round-trips timestamp deltas beyond the 53-bit fast path through Long', async () => {
    for (const delta of [2 ** 30, -(2 ** 40), 2 ** 52]) {
      const batch = await RecordBatch({
        firstTimestamp: 1_000,
        maxTimestamp: 1_000 + Math.max(delta, 0),
        records: [Record({ offsetDelta: 0, timestampDelta: delta, key: 'k', value: 'v' })],
      });
      const [record] = (await decodeRecordBatch(new Decoder(batch.buffer))).records;
      expect(record.timestamp).toBe(String(1_000 + delta));
    }
    expect(new Encoder().writeVarLong(2 ** 30).buffer.toString('hex')).toBe('8080808008');
  });

  it('drops the messages of a fetch below the fetched offset, exactly also beyond 2^53', () => {
    const offsetsKept = (fetchedOffset: string, offsets: string[]) =>
      new Batch('t', fetchedOffset, {
        partition: 0,
        highWatermark: '0',
        abortedTransactions: [],
        messages: offsets.map((offset) => ({ offset, key: null, value: null, headers: {}, isControlRecord: false })),
      }).messages.map((m) => m.offset);
    expect(offsetsKept('5', ['3', '4', '5', '6'])).toEqual(['5', '6']);
    expect(offsetsKept('9007199254740990', ['9007199254740989', '9007199254740993'])).toEqual(['9007199254740993']);
    expect(offsetsKept('9223372036854775801', ['9223372036854775800', '9223372036854775801', '9223372036854775802'])).toEqual([
      '9223372036854775801',
      '9223372036854775802',
    ]);
  });

  it('keeps header keys named like Object.prototype members as plain headers', async () => {
    const batch = await RecordBatch({
      records: [
        Record({
          offsetDelta: 0,
          timestampDelta: 0,
          key: 'k',
          value: 'v',
          headers: JSON.parse('{"toString":"a","__proto__":"b","constructor":["c","d"]}'),
        }),
      ],
    });
    const [record] = (await decodeRecordBatch(new Decoder(batch.buffer))).records;
    expect(Object.getPrototypeOf(record.headers)).toBe(Object.prototype);
    expect(plainRecord(record).headers).toEqual(
      JSON.parse('{"toString":"61","__proto__":"62","constructor":["63","64"]}'),
    );
  });

  it('reads a record\'s key, value and headers from the fetched bytes when asked, the same on every read', async () => {
    const vector = vectors.batches[0];
    const [first] = (await decodeRecordBatch(new Decoder(Buffer.from(vector.hex, 'hex')))).records;
    const expected = plainRecord(first);
    // A new view per read, of the same bytes: a consumer may read the value for its gate and again for a dead letter.
    expect(first.value).not.toBe(first.value);
    expect(plainRecord(first)).toEqual(expected);
    // Serialised as released kafkajs's plain record was, not as its fetch buffer.
    const json = JSON.parse(JSON.stringify(first));
    expect(Object.keys(json).sort()).toEqual(['attributes', 'batchContext', 'headers', 'isControlRecord', 'key', 'magicByte', 'offset', 'timestamp', 'value']);
    expect(json.value).toEqual(first.value ? { type: 'Buffer', data: [...first.value] } : null);
  });
});

