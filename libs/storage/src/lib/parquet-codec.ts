import type { FieldDefinition, ParquetType } from '@dsnp/parquetjs/dist/lib/declare';
import { ParquetSchema } from '@dsnp/parquetjs/dist/lib/schema';
import type { ColumnType } from '@pipeline/events';
import { writeFlatParquet } from './flat-parquet-writer';

export type ParquetCompressionCodec = 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';
export const PARQUET_COMPRESSION_CODECS: readonly ParquetCompressionCodec[] = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'];

/**
 * GZIP: snappy, which has no entropy coding, leaves the random hex of event_id at 36 bytes per event; GZIP (zlib,
 * native, large pages on the libuv thread pool, see flat-parquet-writer.ts) at level 1 compresses it, and every
 * engine tried reads it (DuckDB and pyarrow in the specs, Spark by hand: README "Data on disk"). bench/README.md "Third round" and "Fourth round" have the figures.
 */
export const DEFAULT_PARQUET_COMPRESSION: ParquetCompressionCodec = 'GZIP';

/**
 * zlib level of GZIP pages (zlib's default is 6). Measured with parquetjs's PLAIN pages
 * (bench/profile/gzip-levels.ts): level 1 ~47.5 bytes per event at ~13 µs of encode CPU per event, level 6 ~42.4
 * at ~18 µs.
 */
export const PARQUET_GZIP_LEVEL = 1;

export interface ParquetEncodingOptions {
  /** Default DEFAULT_PARQUET_COMPRESSION (GZIP). */
  compression?: ParquetCompressionCodec;
  /** Rows per row group. Default 10 000; a whole flushed batch usually fits one group. */
  rowGroupSize?: number;
  /** Dictionary-encode the columns where it pays off (default true); false: PLAIN values only, as parquetjs wrote. */
  dictionary?: boolean;
  /** zlib level of GZIP pages; default PARQUET_GZIP_LEVEL. */
  gzipLevel?: number;
}

export const DEFAULT_ROW_GROUP_SIZE = 10_000;

/** What a column needs to become a Parquet field; EVENT_COLUMNS and the metric tables both have this shape. */
export interface ParquetColumn {
  name: string;
  type: ColumnType;
  required: boolean;
}

export type ParquetValue = string | number | null;
export type ParquetRow = Record<string, ParquetValue>;

/**
 * parquetjs writes TIMESTAMP_MILLIS as the legacy converted type only (no LogicalType in the footer).
 * The Parquet spec defines that converted type as a UTC-adjusted instant, pyarrow reads it as
 * timestamp[ms, tz=UTC] and DuckDB as TIMESTAMP holding the UTC wall clock (see the DuckDB spec).
 */
const PARQUET_TYPE_OF: Record<ColumnType, ParquetType> = {
  string: 'UTF8',
  int32: 'INT32',
  int64: 'INT64',
  timestamp_millis: 'TIMESTAMP_MILLIS',
};

/** A fresh schema each call: parquetjs mutates the field definitions it is given. */
export function parquetSchemaFor(
  columns: readonly ParquetColumn[],
  compression: ParquetCompressionCodec = DEFAULT_PARQUET_COMPRESSION,
): ParquetSchema {
  if (!PARQUET_COMPRESSION_CODECS.includes(compression)) throw new Error(`unsupported Parquet compression ${compression}`);
  const fields: Record<string, FieldDefinition> = {};
  for (const column of columns) {
    fields[column.name] = { type: PARQUET_TYPE_OF[column.type], optional: !column.required, compression };
  }
  return new ParquetSchema(fields);
}

/** Encodes rows to a complete Parquet file in memory, so any StorageBackend can store the bytes. */
export function encodeParquet(
  columns: readonly ParquetColumn[],
  rows: Iterable<ParquetRow>,
  options: ParquetEncodingOptions = {},
): Promise<Buffer> {
  return encodeParquetFrom(columns, { rows: Array.isArray(rows) ? rows : [...rows], columnValue: plainColumnValue, toRow: (row) => row }, options);
}

/** Reads one column of a row: `row[name]` for plain rows, a column's read function for domain objects. */
export type ColumnValueReader<R> = (column: string) => (row: R) => ParquetValue | undefined;

/**
 * Rows of any shape for encodeParquetFrom: `columnValue` reads a column straight off a row (no row object per
 * event); `toRow` builds the plain row of one (the writer itself reads columns only).
 */
export interface ParquetRowSource<R> {
  rows: readonly R[];
  columnValue: ColumnValueReader<R>;
  toRow: (row: R) => ParquetRow;
}

const plainColumnValue: ColumnValueReader<ParquetRow> = (column) => (row) => row[column];

/**
 * encodeParquet for rows that are not plain objects (e.g. events read through their column list). Written by
 * writeFlatParquet: dictionary pages where they pay off, pages compressed in parallel on the libuv thread pool.
 */
export async function encodeParquetFrom<R>(
  columns: readonly ParquetColumn[],
  source: ParquetRowSource<R>,
  options: ParquetEncodingOptions = {},
): Promise<Buffer> {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) throw new Error(`invalid rowGroupSize ${rowGroupSize}`);
  const compression = options.compression ?? DEFAULT_PARQUET_COMPRESSION;
  const schema = parquetSchemaFor(columns, compression);
  return writeFlatParquet(schema, columns, source.rows, source.columnValue, {
    compression,
    gzipLevel: options.gzipLevel ?? PARQUET_GZIP_LEVEL,
    rowGroupSize,
    dictionary: options.dictionary ?? true,
  });
}

/**
 * Streams the rows of a Parquet file as plain values: INT64 (bigint in parquetjs) becomes number,
 * TIMESTAMP_MILLIS (Date) becomes epoch ms, absent optional values become null.
 */
export async function* decodeParquet(bytes: Buffer): AsyncGenerator<ParquetRow> {
  // Loaded on first read, not with the library (see flat-parquet-writer.ts).
  const { ParquetReader } = await import('@dsnp/parquetjs/dist/lib/reader');
  const reader = await ParquetReader.openBuffer(bytes);
  try {
    const names = reader.getSchema().fieldList.map((field) => field.name);
    const cursor = reader.getCursor();
    for (let record = await cursor.next(); record; record = await cursor.next()) {
      const source = record as Record<string, unknown>;
      const row: ParquetRow = {};
      for (const name of names) row[name] = toPlainValue(name, source[name]);
      yield row;
    }
  } finally {
    await reader.close();
  }
}

function toPlainValue(name: string, value: unknown): ParquetValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    // Cents and counts stay far below 2^53; a larger value means corrupt data, not a number to round.
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError(`column ${name}: ${value} does not fit a JS number`);
    }
    return Number(value);
  }
  if (value instanceof Date) return value.getTime();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new TypeError(`column ${name}: unexpected Parquet value of type ${typeof value}`);
}
