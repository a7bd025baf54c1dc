/**
 * Parquet's RLE / bit-packing hybrid encoding (definition levels, dictionary indices), without the length envelope:
 * https://github.com/apache/parquet-format/blob/master/Encodings.md#run-length-encoding--bit-packing-hybrid-rle--3
 *
 * Why not parquetjs's encoder: it walks every value bit by bit, maps its input to a new array and grows its output
 * with a Buffer.concat per run (quadratic in the runs); it was ~45 % of the flat writer's CPU (bench/README, fourth
 * round). This one makes one pass into one preallocated buffer. parquetjs's decoder reads it back in the spec.
 *
 * A run of equal values becomes a repeat run when that is shorter than bit-packing it (always from 8 values on; for
 * wide values, like large dictionaries' indices, from fewer); everything else is bit-packed in groups of 8 (a
 * bit-packed run must hold a multiple of 8 values, so a repeat run first tops the pending values up to a multiple of
 * 8). The last group is padded with zeros, which readers ignore past the page's value count.
 */
export function encodeRleBitPackedHybrid(values: ArrayLike<number>, count: number, bitWidth: number): Buffer {
  if (!Number.isInteger(bitWidth) || bitWidth < 1 || bitWidth > 32) throw new RangeError(`bitWidth ${bitWidth} is not in 1..32`);
  if (count > values.length) throw new RangeError(`count ${count} exceeds the ${values.length} values given`);
  const out = new HybridOutput(count, bitWidth);
  // A repeat run costs its header and value, and the bit-packed run it interrupts a new header: ~4 + value bytes.
  const minRepeat = Math.min(8, Math.max(2, Math.ceil(((4 + Math.ceil(bitWidth / 8)) * 8) / bitWidth)));
  let pendingStart = 0;
  let i = 0;
  while (i < count) {
    const value = values[i];
    let j = i + 1;
    while (j < count && values[j] === value) j++;
    const topUp = (8 - ((i - pendingStart) & 7)) & 7;
    if (j - i - topUp >= minRepeat) {
      out.bitPacked(values, pendingStart, i + topUp);
      out.repeated(value, j - i - topUp);
      pendingStart = j;
    }
    i = j;
  }
  out.bitPacked(values, pendingStart, count);
  return out.bytes();
}

class HybridOutput {
  private readonly buffer: Buffer;
  private offset = 0;
  private readonly valueBytes: number;

  constructor(count: number, private readonly bitWidth: number) {
    this.valueBytes = Math.ceil(bitWidth / 8);
    // Worst case: everything bit-packed (+ a padded group), and each run header of at most 5 bytes per 8 values.
    const groups = Math.ceil(count / 8) + 1;
    this.buffer = Buffer.allocUnsafe(groups * bitWidth + groups * (5 + this.valueBytes) + 16);
  }

  /** values[from..to) as one bit-packed run, padded with zeros to whole groups of 8. */
  bitPacked(values: ArrayLike<number>, from: number, to: number): void {
    if (to <= from) return;
    const groups = Math.ceil((to - from) / 8);
    this.varint(groups * 2 + 1);
    const { buffer, bitWidth } = this;
    let offset = this.offset;
    let acc = 0;
    let bits = 0;
    const end = from + groups * 8;
    if (bitWidth <= 24) {
      // Fewer than 8 pending bits + at most 24 new ones fit a 32-bit integer.
      for (let k = from; k < end; k++) {
        acc = (acc | ((k < to ? values[k] : 0) << bits)) >>> 0;
        bits += bitWidth;
        while (bits >= 8) {
          buffer[offset++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    } else {
      // Accumulated as a double: up to 7 pending bits + 32 new ones stay exact below 2^53.
      for (let k = from; k < end; k++) {
        acc += (k < to ? values[k] >>> 0 : 0) * 2 ** bits;
        bits += bitWidth;
        while (bits >= 8) {
          buffer[offset++] = acc % 256;
          acc = Math.floor(acc / 256);
          bits -= 8;
        }
      }
    }
    // groups * 8 * bitWidth is a multiple of 8 bits: nothing is left in acc.
    this.offset = offset;
  }

  /** `runLength` times `value`. */
  repeated(value: number, runLength: number): void {
    this.varint(runLength * 2);
    let rest = value >>> 0;
    for (let b = 0; b < this.valueBytes; b++) {
      this.buffer[this.offset++] = rest & 0xff;
      rest = Math.floor(rest / 256);
    }
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  /** Unsigned LEB128, as Parquet's run headers are. */
  private varint(n: number): void {
    while (n >= 0x80) {
      this.buffer[this.offset++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buffer[this.offset++] = n;
  }
}
