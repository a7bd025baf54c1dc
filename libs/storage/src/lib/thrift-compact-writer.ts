import { TCompactProtocol, type TTransport } from 'thrift';

/** The generated structures' writer method (what @dsnp/parquetjs's serializeThrift calls). */
const WRITE = Symbol.for('write');

/**
 * The thrift compact-protocol bytes of a parquetjs structure (a page header, the file footer), the same bytes as
 * parquetjs's `serializeThrift`.
 *
 * Why: thrift 0.23's JavaScript protocol makes a Buffer for every byte it writes (`new Buffer([b])`, the
 * deprecated constructor) and two for every varint, plus an Int64 object per i64, and its buffered transport copies
 * each one again. A footer of 25 columns took ~1.8 ms and a chunk's page headers ~0.7 ms: a fixed cost of every
 * file the processor writes (bench/README.md, "Eleventh round"). Only the byte output is replaced here; which
 * bytes a field, a list or a bool becomes stays thrift's own code (the subclass overrides only the methods that emit
 * bytes). The spec compares the result with parquetjs's serializer byte for byte.
 */
export function serializeThriftCompact(struct: object): Buffer {
  const output = new ByteOutput();
  const protocol = new DirectCompactProtocol(output);
  const write = (struct as Record<symbol, unknown>)[WRITE];
  if (typeof write !== 'function') throw new TypeError('serializeThriftCompact: not a generated thrift structure');
  write.call(struct, protocol);
  return output.bytes();
}

/** A growing byte buffer with the one transport method the compact protocol's writers call. */
class ByteOutput {
  private buffer = Buffer.allocUnsafe(1024);
  length = 0;

  byte(value: number): void {
    if (this.length === this.buffer.length) this.grow(1);
    this.buffer[this.length++] = value;
  }

  /** TTransport.write: thrift's writeDouble and a binary field's bytes come here. */
  write(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  utf8(text: string, byteLength: number): void {
    this.reserve(byteLength);
    this.length += this.buffer.write(text, this.length, byteLength, 'utf8');
  }

  bytes(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  private reserve(extra: number): void {
    if (this.length + extra > this.buffer.length) this.grow(extra);
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

/** node-int64's Int64 (what parquet_types uses for i64 defaults): 8 bytes, big-endian two's complement. */
interface Int64Like {
  buffer: Buffer;
}

const TWO_TO_32 = 0x1_0000_0000;

class DirectCompactProtocol extends TCompactProtocol {
  constructor(private readonly output: ByteOutput) {
    super(output as unknown as TTransport);
  }

  override writeByte(value: number): void {
    this.output.byte(value & 0xff);
  }

  /** Unsigned LEB128 of the low 32 bits, as thrift's writeVarint32 (writeI16 / writeI32 zigzag before calling it). */
  writeVarint32(value: number): void {
    let n = value >>> 0;
    while (n > 0x7f) {
      this.output.byte((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.output.byte(n);
  }

  /** An i64 from a safe-integer number, a decimal string or an Int64: zigzag, then a varint of up to 10 bytes. */
  override writeI64(value: number | Int64Like | string): void {
    let hi: number;
    let lo: number;
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      // Two's complement words: ToUint32 keeps value mod 2^32, the floor division the (signed) high word.
      lo = value >>> 0;
      hi = Math.floor(value / TWO_TO_32) >>> 0;
    } else if (typeof value === 'object' && value !== null && Buffer.isBuffer(value.buffer)) {
      hi = value.buffer.readUInt32BE(0);
      lo = value.buffer.readUInt32BE(4);
    } else {
      // thrift's own path for anything else (unsafe numbers, strings): its result, its errors.
      super.writeI64(value as number);
      return;
    }
    const sign = hi >>> 31 ? 0xffffffff : 0;
    this.writeVarint64Words((((hi << 1) | (lo >>> 31)) ^ sign) >>> 0, ((lo << 1) ^ sign) >>> 0);
  }

  /** thrift's writeVarint64, reached through super.writeI64: its Int64 argument is already zigzagged. */
  writeVarint64(value: Int64Like): void {
    this.writeVarint64Words(value.buffer.readUInt32BE(0), value.buffer.readUInt32BE(4));
  }

  private writeVarint64Words(high: number, low: number): void {
    let hi = high;
    let lo = low;
    while (hi !== 0 || lo > 0x7f) {
      this.output.byte((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.output.byte(lo);
  }

  writeStringOrBinary(name: string, encoding: BufferEncoding, value: string | Uint8Array): void {
    if (typeof value === 'string') {
      if (encoding !== 'utf8') {
        const bytes = Buffer.from(value, encoding);
        this.writeVarint32(bytes.length);
        this.output.write(bytes);
        return;
      }
      const length = Buffer.byteLength(value, 'utf8');
      this.writeVarint32(length);
      this.output.utf8(value, length);
    } else if (value instanceof Uint8Array) {
      this.writeVarint32(value.length);
      this.output.write(value);
    } else {
      throw new Error(`${name} called without a string/Buffer argument: ${String(value)}`);
    }
  }
}
