import { decodeValues, encodeValues } from '@dsnp/parquetjs/dist/lib/codec/rle';
import { encodeRleBitPackedHybrid } from './rle-hybrid';

/** parquetjs's decoder is the reference reader (the one our reader uses); DuckDB reads the same pages in duckdb-crosscheck. */
function decode(bytes: Buffer, count: number, bitWidth: number): number[] {
  return decodeValues('INT32', { buffer: bytes, offset: 0 }, count, { bitWidth, disableEnvelope: true }) as number[];
}

/** A deterministic pseudo-random sequence (no Math.random: a failure must be reproducible). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Values below 2^bitWidth with runs of random lengths (0..maxRun), the shape of levels and dictionary indices. */
function runsOf(count: number, bitWidth: number, maxRun: number, seed: number): number[] {
  const next = lcg(seed);
  const max = 2 ** bitWidth;
  const values: number[] = [];
  while (values.length < count) {
    const value = Math.floor(next() * max);
    const run = 1 + Math.floor(next() * maxRun);
    for (let r = 0; r < run && values.length < count; r++) values.push(value);
  }
  return values;
}

describe('encodeRleBitPackedHybrid', () => {
  it.each([1, 2, 3, 5, 7, 8, 9, 12, 14, 16, 17, 20, 24, 25, 31, 32])('round-trips values of bit width %i through parquetjs', (bitWidth) => {
    for (const [count, maxRun] of [[1, 1], [7, 1], [8, 1], [9, 20], [1000, 1], [1000, 12], [5000, 40], [10_000, 3]]) {
      const values = runsOf(count, bitWidth, maxRun, bitWidth * 7919 + count + maxRun);
      expect(decode(encodeRleBitPackedHybrid(values, count, bitWidth), count, bitWidth).map((v) => v >>> 0)).toEqual(values);
    }
  });

  it('encodes a long run of one value as a single repeat run (header + value)', () => {
    const levels = new Uint8Array(10_000).fill(1);
    const bytes = encodeRleBitPackedHybrid(levels, levels.length, 1);
    // varint(10000 << 1) is 3 bytes, the value 1 byte.
    expect(bytes).toEqual(Buffer.from([0xa0, 0x9c, 0x01, 0x01]));
    expect(decode(bytes, levels.length, 1)).toEqual(Array.from(levels));
  });

  it('tops the bit-packed values up to whole groups before a repeat run, and pads only the last group', () => {
    const values = [1, 2, 3, ...Array(13).fill(0), 3];
    const bytes = encodeRleBitPackedHybrid(values, values.length, 2);
    expect(decode(bytes, values.length, 2)).toEqual(values);
    // 1 bit-packed group [1,2,3,0,0,0,0,0] (header 0x03, 2 bytes LSB first), a repeat run of the 8 zeros left
    // (header 8 << 1, value 0x00), then [3] bit-packed as one group padded with zeros.
    expect(bytes).toEqual(Buffer.from([0x03, 0b00111001, 0x00, 0x10, 0x00, 0x03, 0x03, 0x00]));
  });

  it('reads only the first `count` values of a typed array', () => {
    const indices = Uint32Array.from([4, 4, 4, 4, 4, 4, 4, 4, 4, 9, 9]);
    expect(decode(encodeRleBitPackedHybrid(indices, 9, 4), 9, 4)).toEqual(Array(9).fill(4));
  });

  it('is never larger than parquetjs own encoding of the same values', () => {
    for (const [bitWidth, maxRun] of [[1, 30], [4, 3], [10, 1], [14, 8]]) {
      const values = runsOf(4000, bitWidth, maxRun, bitWidth + maxRun);
      const ours = encodeRleBitPackedHybrid(values, values.length, bitWidth);
      const theirs = encodeValues('INT32', values, { bitWidth, disableEnvelope: true });
      expect(ours.length).toBeLessThanOrEqual(theirs.length);
    }
  });

  it('refuses a bit width outside 1..32 and a count beyond the values', () => {
    expect(() => encodeRleBitPackedHybrid([1], 1, 0)).toThrow('bitWidth 0');
    expect(() => encodeRleBitPackedHybrid([1], 2, 1)).toThrow('count 2');
  });
});
