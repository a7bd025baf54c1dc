// The writer and schema modules, not the package's index: the index also loads the reader (~85 ms of start-up CPU
// the processor does not need until it compacts or reads).
import type { ParquetSchema } from '@dsnp/parquetjs/dist/lib/schema';
import { ParquetEnvelopeWriter } from '@dsnp/parquetjs/dist/lib/writer';
import * as thrift from '@dsnp/parquetjs/dist/gen-nodejs/parquet_types';
import { PARQUET_COMPRESSION_METHODS } from '@dsnp/parquetjs/dist/lib/compression';
import type { ColumnType } from '@pipeline/events';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { encodeRleBitPackedHybrid } from './rle-hybrid';
import { serializeThriftCompact } from './thrift-compact-writer';

/**
 * A Parquet writer for flat tables (our event and metric tables: no groups, no repetition; optional or required
 * UTF8 / INT32 / INT64 / TIMESTAMP_MILLIS columns) that builds whole files from columns.
 *
 * Why not parquetjs's writer: it writes PLAIN values only and compresses on the main thread. Here each column chunk
 * is dictionary encoded when its distinct values are few (event types, devices, countries, pages, products, users,
 * sessions), and large GZIP pages are compressed with node:zlib's asynchronous gzip, which runs on libuv's thread
 * pool (UV_THREADPOOL_SIZE threads, 4 by default): the chunks of a file compress in parallel, on other cores than
 * the one encoding the next column (small pages stay on this thread, see THREAD_POOL_GZIP_MIN_BYTES). parquetjs still provides the thrift structures (their bytes come from serializeThriftCompact),
 * snappy, and the file envelope (ParquetEnvelopeWriter: magic, offsets); the footer is written here (encodeFooter:
 * parquetjs's schema elements plus column_orders, without which pyarrow ignores the statistics, and an honest
 * created_by); levels
 * and dictionary indices go through encodeRleBitPackedHybrid (rle-hybrid.ts: parquetjs's was ~45 % of this
 * writer's CPU). What is assembled here: PLAIN values, the
 * dictionary, pages, column chunks with their statistics, row groups.
 *
 * Layout, as readers expect it (checked with parquetjs, DuckDB and pyarrow in the specs): per column chunk an optional
 * dictionary page (PLAIN values, encoding PLAIN_DICTIONARY as most writers emit) and one DATA_PAGE_V2 (definition
 * levels RLE, uncompressed; values RLE_DICTIONARY or PLAIN, compressed), the same page version parquetjs wrote.
 * Chunk statistics: min_value/max_value (unsigned byte order for strings), null_count, and distinct_count where
 * the dictionary gives it for free.
 */

export type FlatParquetCompression = 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';

export interface FlatParquetColumn {
  name: string;
  type: ColumnType;
  required: boolean;
}

export type FlatColumnValue = string | number | null | undefined;

export interface FlatParquetOptions {
  compression: FlatParquetCompression;
  gzipLevel: number;
  rowGroupSize: number;
  /** Dictionary-encode columns whose dictionary pays off (default true); false writes PLAIN only. */
  dictionary: boolean;
}

/**
 * parquet-mr's default dictionary page size limit: a larger dictionary falls back to PLAIN (it would cost more to
 * read than it saves, and a unique column such as event_id never gets that far, see MIN_ROWS_FOR_UNIQUE_CHECK).
 */
export const MAX_DICTIONARY_PAGE_BYTES = 1024 * 1024;
/** After this many values, a column with more distinct values than half of them stops building a dictionary. */
const MIN_ROWS_FOR_UNIQUE_CHECK = 256;

const gzipAsync = promisify(gzip);

const PHYSICAL_TYPE: Record<ColumnType, 'BYTE_ARRAY' | 'INT32' | 'INT64'> = {
  string: 'BYTE_ARRAY',
  int32: 'INT32',
  int64: 'INT64',
  timestamp_millis: 'INT64',
};

/**
 * thrift accepts plain numbers for its i64 fields (it converts them to Int64 itself); the generated types only
 * declare Int64. Every i64 written here (sizes, offsets, counts) is far below 2^53.
 */
const i64 = (value: number) => value as unknown as thrift.Statistics['null_count'] & object;

type PlainValues = { bytes: Buffer; min: Buffer | undefined; max: Buffer | undefined };

/** One column chunk, encoded but not yet compressed; compression starts as soon as it exists (see `compressed`). */
interface PreparedChunk {
  column: FlatParquetColumn;
  rows: number;
  nulls: number;
  definitionLevels: Buffer;
  dictionary: { values: Buffer; count: number } | undefined;
  values: Buffer;
  statistics: thrift.Statistics;
  /** The compressed dictionary page body and data page values, being compressed on the thread pool. */
  compressed: Promise<[Buffer | undefined, Buffer]>;
}

/**
 * The whole Parquet file of rows[0..n), read column by column through `columnValue` (plain rows or domain objects).
 * `schema` is the parquetjs schema of the same columns, used for the footer's schema elements.
 */
export async function writeFlatParquet<R>(
  schema: ParquetSchema,
  columns: readonly FlatParquetColumn[],
  rows: readonly R[],
  columnValue: (column: string) => (row: R) => FlatColumnValue,
  options: FlatParquetOptions,
): Promise<Buffer> {
  const readers = columns.map((column) => columnValue(column.name));
  const groups: PreparedChunk[][] = [];
  for (let start = 0; start < rows.length; start += options.rowGroupSize) {
    const end = Math.min(rows.length, start + options.rowGroupSize);
    groups.push(columns.map((column, i) => prepareChunk(column, rows, start, end, readers[i], options)));
  }

  const parts: Buffer[] = [];
  // ParquetEnvelopeWriter keeps its offset as a node-int64 (setValue/valueOf), which a plain number lacks.
  const offset = new OffsetCounter() as unknown as ParquetEnvelopeWriter['offset'];
  const envelope = new ParquetEnvelopeWriter(schema, (buffer: Buffer) => parts.push(buffer), () => undefined, offset, {});
  envelope.writeHeader();
  for (const chunks of groups) {
    const rowGroup = new thrift.RowGroup({ columns: [], num_rows: i64(chunks[0].rows), total_byte_size: i64(0) });
    const groupStart = envelope.offset.valueOf();
    let uncompressedBytes = 0;
    for (const chunk of chunks) {
      const { body, metadata } = await assembleChunk(chunk, envelope.offset.valueOf(), options.compression);
      uncompressedBytes += +metadata.total_uncompressed_size;
      rowGroup.columns.push(new thrift.ColumnChunk({ file_offset: metadata.dictionary_page_offset ?? metadata.data_page_offset, meta_data: metadata }));
      envelope.writeSection(body);
    }
    rowGroup.total_byte_size = i64(uncompressedBytes);
    rowGroup.file_offset = i64(groupStart);
    rowGroup.total_compressed_size = i64(envelope.offset.valueOf() - groupStart);
    envelope.rowGroups.push(rowGroup as ParquetEnvelopeWriter['rowGroups'][number]);
  }
  envelope.writeSection(encodeFooter(schema, rows.length, envelope.rowGroups));
  return Buffer.concat(parts);
}

/**
 * What the footer's created_by says, in the grammar readers parse (parquet-mr/parquet-java VersionParser, Arrow
 * C++ ApplicationVersion): "<application> version <semver>". Readers key workarounds for known writer bugs on
 * application and version (parquet-mr's CorruptStatistics, Arrow's ApplicationVersion checks), so the name is
 * ours rather than parquetjs's, whose "@dsnp/parquetjs" parquet-mr cannot parse at all (it then distrusts the
 * legacy min/max string statistics, PARQUET-251; ours are min_value/max_value, which it reads either way).
 * Bump the version when the bytes written change in a way a reader might need to tell apart.
 */
export const FLAT_PARQUET_CREATED_BY = 'ecommerce-streaming-pipeline flat-parquet-writer version 1.0.0';

/**
 * parquetjs's footer (schema elements as its encodeFooter makes them: converted types, no LogicalType) plus
 * column_orders: without them the Parquet spec tells readers to ignore min_value/max_value, and Arrow C++
 * (pyarrow) does, which leaves it no statistics to prune row groups on. TYPE_ORDER is the order the
 * statistics are computed in: signed for the integers and timestamps, unsigned bytes for UTF8.
 */
function encodeFooter(schema: ParquetSchema, rowCount: number, rowGroups: thrift.RowGroup[]): Buffer {
  const elements = [new thrift.SchemaElement({ name: 'root', num_children: schema.fieldList.length })];
  for (const field of schema.fieldList) {
    if (field.isNested || !field.primitiveType) throw new Error(`flat Parquet writer: nested field ${field.name}`);
    const element = new thrift.SchemaElement({
      name: field.name,
      repetition_type: thrift.FieldRepetitionType[field.repetitionType],
      type: thrift.Type[field.primitiveType],
    });
    if (field.originalType) element.converted_type = thrift.ConvertedType[field.originalType];
    elements.push(element);
  }
  const metadata = new thrift.FileMetaData({
    version: 1,
    schema: elements,
    num_rows: i64(rowCount),
    row_groups: rowGroups,
    created_by: FLAT_PARQUET_CREATED_BY,
    column_orders: schema.fieldList.map(() => new thrift.ColumnOrder({ TYPE_ORDER: new thrift.TypeDefinedOrder() })),
  });
  const encoded = serializeThriftCompact(metadata);
  const footer = Buffer.alloc(encoded.length + 8);
  encoded.copy(footer);
  footer.writeUInt32LE(encoded.length, encoded.length);
  footer.write('PAR1', encoded.length + 4);
  return footer;
}

/** The two methods of node-int64 that ParquetEnvelopeWriter calls on its file offset. */
class OffsetCounter {
  private value = 0;
  valueOf(): number {
    return this.value;
  }
  setValue(value: number): void {
    this.value = value;
  }
}

function prepareChunk<R>(
  column: FlatParquetColumn,
  rows: readonly R[],
  from: number,
  to: number,
  read: (row: R) => FlatColumnValue,
  options: FlatParquetOptions,
): PreparedChunk {
  const count = to - from;
  const values: (string | number)[] = [];
  const levels = column.required ? undefined : new Uint8Array(count);
  for (let i = from; i < to; i++) {
    const value = read(rows[i]);
    if (value === undefined || value === null) {
      if (!levels) throw new Error(`missing required field: ${column.name}`);
    } else {
      if (levels) levels[i - from] = 1;
      values.push(checkedValue(column, value));
    }
  }
  const nulls = count - values.length;
  // Flat columns: max definition level 1 (optional) or 0 (required, no levels); never repetition levels.
  const definitionLevels = levels ? encodeRleBitPackedHybrid(levels, count, 1) : Buffer.alloc(0);

  const dictionary = options.dictionary ? buildDictionary(column, values) : undefined;
  let chunkValues: Buffer;
  let plain: PlainValues;
  let dictionaryPage: { values: Buffer; count: number } | undefined;
  if (dictionary) {
    plain = encodePlain(column, dictionary.distinct);
    const plainBytes = plainSize(column, values, dictionary);
    const bitWidth = Math.max(1, 32 - Math.clz32(dictionary.distinct.length - 1));
    const indices = encodeRleBitPackedHybrid(dictionary.indices, values.length, bitWidth);
    // parquet-mr's rule: keep the dictionary only if dictionary + indices are smaller than the plain values.
    if (plain.bytes.length <= MAX_DICTIONARY_PAGE_BYTES && plain.bytes.length + indices.length + 1 < plainBytes) {
      chunkValues = Buffer.concat([Buffer.of(bitWidth), indices]);
      dictionaryPage = { values: plain.bytes, count: dictionary.distinct.length };
    } else {
      plain = encodePlain(column, values);
      chunkValues = plain.bytes;
    }
  } else {
    plain = encodePlain(column, values);
    chunkValues = plain.bytes;
  }
  const statistics = new thrift.Statistics({ null_count: i64(nulls) });
  if (plain.min && plain.max) {
    statistics.min_value = plain.min;
    statistics.max_value = plain.max;
  }
  if (dictionaryPage) statistics.distinct_count = i64(dictionaryPage.count);
  const compressed = Promise.all([
    dictionaryPage ? compress(dictionaryPage.values, options) : undefined,
    compress(chunkValues, options),
  ]);
  // Settled when assembled; a failure before that must not surface as an unhandled rejection.
  compressed.catch(() => undefined);
  return { column, rows: count, nulls, definitionLevels, dictionary: dictionaryPage, values: chunkValues, statistics, compressed };
}

/** The checks parquetjs's toPrimitive made: strings for UTF8, integers in range for INT32/INT64/TIMESTAMP_MILLIS. */
function checkedValue(column: FlatParquetColumn, value: string | number): string | number {
  switch (column.type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`invalid value for UTF8 in column ${column.name}: ${value}`);
      return value;
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
        throw new Error(`invalid value for INT32 in column ${column.name}: ${value}`);
      }
      return value;
    case 'int64':
    case 'timestamp_millis': {
      const number = (value as unknown) instanceof Date ? (value as unknown as Date).getTime() : value;
      if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
        throw new Error(`invalid value for ${column.type === 'int64' ? 'INT64' : 'TIMESTAMP_MILLIS'} in column ${column.name}: ${value}`);
      }
      return number;
    }
  }
}

interface Dictionary {
  distinct: (string | number)[];
  indices: Uint32Array;
}

/**
 * Distinct values in first-seen order and each value's index, or undefined when the column is nearly unique
 * (event_id, event_time): more distinct values than half the values seen, once MIN_ROWS_FOR_UNIQUE_CHECK are in.
 */
function buildDictionary(column: FlatParquetColumn, values: readonly (string | number)[]): Dictionary | undefined {
  if (values.length === 0) return undefined;
  const indexOf = new Map<string | number, number>();
  const distinct: (string | number)[] = [];
  const indices = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let index = indexOf.get(value);
    if (index === undefined) {
      index = distinct.length;
      indexOf.set(value, index);
      distinct.push(value);
      if (distinct.length * 2 > i + 1 && i + 1 >= MIN_ROWS_FOR_UNIQUE_CHECK) return undefined;
    }
    indices[i] = index;
  }
  if (distinct.length * 2 > values.length && values.length >= MIN_ROWS_FOR_UNIQUE_CHECK) return undefined;
  return { distinct, indices };
}

/** The bytes the values would take as PLAIN, from the dictionary's encoded values and how often each occurs. */
function plainSize(column: FlatParquetColumn, values: readonly (string | number)[], dictionary: Dictionary): number {
  if (column.type === 'int32') return 4 * values.length;
  if (column.type !== 'string') return 8 * values.length;
  const sizes = dictionary.distinct.map((value) => 4 + Buffer.byteLength(value as string, 'utf8'));
  let total = 0;
  // An indexed loop: for...of allocated an iterator result per value here (~80 bytes per event in a drain's heap profile).
  const indices = dictionary.indices;
  for (let i = 0; i < indices.length; i++) total += sizes[indices[i]];
  return total;
}

/** PLAIN encoding of non-null values, with their min and max as Parquet statistics bytes (PLAIN, unsigned order for strings). */
function encodePlain(column: FlatParquetColumn, values: readonly (string | number)[]): PlainValues {
  if (values.length === 0) return { bytes: Buffer.alloc(0), min: undefined, max: undefined };
  if (column.type === 'string') return encodePlainStrings(values as readonly string[]);
  const width = column.type === 'int32' ? 4 : 8;
  const bytes = Buffer.allocUnsafe(width * values.length);
  let min = values[0] as number;
  let max = min;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
    writeInteger(bytes, value, i * width, width);
  }
  const minBytes = Buffer.allocUnsafe(width);
  const maxBytes = Buffer.allocUnsafe(width);
  writeInteger(minBytes, min, 0, width);
  writeInteger(maxBytes, max, 0, width);
  return { bytes, min: minBytes, max: maxBytes };
}

/** Little-endian two's complement; for INT64 the low word is value mod 2^32 and the high word floor(value / 2^32). */
function writeInteger(target: Buffer, value: number, offset: number, width: number): void {
  if (width === 4) {
    target.writeInt32LE(value, offset);
  } else {
    target.writeUInt32LE(value >>> 0, offset);
    target.writeInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
  }
}

/**
 * Length-prefixed UTF-8, written straight from the JS strings into one buffer sized for the worst case (3 bytes
 * per UTF-16 unit). Min and max in the order Parquet defines for UTF8 statistics, unsigned bytes: JS's `<` gives it
 * when both strings are ASCII (as many bytes as UTF-16 units), the encoded bytes are compared otherwise.
 */
function encodePlainStrings(values: readonly string[]): PlainValues {
  let capacity = 0;
  for (const value of values) capacity += 4 + 3 * value.length;
  const bytes = Buffer.allocUnsafe(capacity);
  let offset = 0;
  const min = { value: '', start: 0, end: 0, ascii: true };
  const max = { ...min };
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const start = offset + 4;
    const length = bytes.write(value, start, 'utf8');
    bytes.writeUInt32LE(length, offset);
    const end = start + length;
    const ascii = length === value.length;
    if (i === 0) {
      Object.assign(min, { value, start, end, ascii });
      Object.assign(max, min);
    } else {
      if (ascii && min.ascii ? value < min.value : bytes.compare(bytes, min.start, min.end, start, end) < 0) {
        Object.assign(min, { value, start, end, ascii });
      }
      if (ascii && max.ascii ? value > max.value : bytes.compare(bytes, max.start, max.end, start, end) > 0) {
        Object.assign(max, { value, start, end, ascii });
      }
    }
    offset = end;
  }
  return {
    bytes: bytes.subarray(0, offset),
    min: Buffer.from(bytes.subarray(min.start, min.end)),
    max: Buffer.from(bytes.subarray(max.start, max.end)),
  };
}

/**
 * GZIP of a page of at least this many bytes runs on the libuv thread pool; smaller pages are gzipped on the calling
 * thread. An asynchronous zlib call costs ~150 µs of CPU more than a synchronous one here (a zlib stream, thread
 * hand-offs; bench/README.md "Fourth round"), more than gzip level 1 takes for a few kilobytes, and with
 * dictionaries most pages are that small. The big ones (event_id, session_id, dictionaries of ids) are what
 * the pool runs in parallel.
 */
export const THREAD_POOL_GZIP_MIN_BYTES = 32 * 1024;

/** GZIP on the libuv thread pool for large pages (see above); snappy (snappyjs, pure JS) and no compression stay synchronous. */
async function compress(bytes: Buffer, options: FlatParquetOptions): Promise<Buffer> {
  switch (options.compression) {
    case 'GZIP':
      if (bytes.length < THREAD_POOL_GZIP_MIN_BYTES) return gzipSync(bytes, { level: options.gzipLevel });
      // One output chunk for the whole page: each further chunk is one more hand-off to the main thread.
      return gzipAsync(bytes, { level: options.gzipLevel, chunkSize: bytes.length + 1024 });
    case 'SNAPPY':
      return PARQUET_COMPRESSION_METHODS['SNAPPY'].deflate(bytes) as Buffer;
    case 'UNCOMPRESSED':
      return bytes;
  }
}

/** The bytes of a column chunk (dictionary page, data page) at `offset` in the file, and its metadata. */
async function assembleChunk(chunk: PreparedChunk, offset: number, compression: FlatParquetCompression) {
  const [dictionaryBody, valuesBody] = await chunk.compressed;
  const sections: Buffer[] = [];
  let uncompressed = 0;
  let dictionaryPageOffset: number | undefined;
  if (chunk.dictionary && dictionaryBody) {
    const header = serializeThriftCompact(
      new thrift.PageHeader({
        type: thrift.PageType.DICTIONARY_PAGE,
        uncompressed_page_size: chunk.dictionary.values.length,
        compressed_page_size: dictionaryBody.length,
        dictionary_page_header: new thrift.DictionaryPageHeader({ num_values: chunk.dictionary.count, encoding: thrift.Encoding.PLAIN_DICTIONARY }),
      }),
    );
    dictionaryPageOffset = offset;
    sections.push(header, dictionaryBody);
    uncompressed += header.length + chunk.dictionary.values.length;
  }
  const valueEncoding = chunk.dictionary ? thrift.Encoding.RLE_DICTIONARY : thrift.Encoding.PLAIN;
  const dataHeader = serializeThriftCompact(
    new thrift.PageHeader({
      type: thrift.PageType.DATA_PAGE_V2,
      uncompressed_page_size: chunk.definitionLevels.length + chunk.values.length,
      compressed_page_size: chunk.definitionLevels.length + valuesBody.length,
      data_page_header_v2: new thrift.DataPageHeaderV2({
        num_values: chunk.rows,
        num_nulls: chunk.nulls,
        num_rows: chunk.rows,
        encoding: valueEncoding,
        definition_levels_byte_length: chunk.definitionLevels.length,
        repetition_levels_byte_length: 0,
        is_compressed: compression !== 'UNCOMPRESSED',
      }),
    }),
  );
  const dataPageOffset = offset + sections.reduce((sum, section) => sum + section.length, 0);
  sections.push(dataHeader, chunk.definitionLevels, valuesBody);
  uncompressed += dataHeader.length + chunk.definitionLevels.length + chunk.values.length;
  const body = Buffer.concat(sections);
  const encodings = chunk.dictionary
    ? [thrift.Encoding.PLAIN_DICTIONARY, thrift.Encoding.RLE, thrift.Encoding.RLE_DICTIONARY]
    : [thrift.Encoding.PLAIN, thrift.Encoding.RLE];
  const metadata = new thrift.ColumnMetaData({
    type: thrift.Type[PHYSICAL_TYPE[chunk.column.type]],
    encodings,
    path_in_schema: [chunk.column.name],
    codec: thrift.CompressionCodec[compression],
    num_values: i64(chunk.rows),
    total_uncompressed_size: i64(uncompressed),
    total_compressed_size: i64(body.length),
    data_page_offset: i64(dataPageOffset),
    statistics: chunk.statistics,
  });
  if (dictionaryPageOffset !== undefined) metadata.dictionary_page_offset = i64(dictionaryPageOffset);
  return { body, metadata };
}
