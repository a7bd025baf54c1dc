import { ParquetReader, ParquetSchema, ParquetWriter, type FieldDefinition, type ParquetType } from '@dsnp/parquetjs';
import { PARQUET_COMPRESSION_METHODS } from '@dsnp/parquetjs/dist/lib/compression';
import type { ColumnType } from '@pipeline/events';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { shredFlatRows, type ColumnValueReader } from './flat-row-shredder';

export type ParquetCompressionCodec = 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';
export const PARQUET_COMPRESSION_CODECS: readonly ParquetCompressionCodec[] = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'];

/**
 * GZIP: parquetjs writes PLAIN values only (no dictionary pages), so snappy, which has no entropy coding, left the
 * random hex of event_id at 36 bytes and the lake at ~77 bytes per event. GZIP (zlib, native) at level 1 stores
 * the same events in ~47.5 bytes per event for about the CPU of snappyjs (pure JS); every engine reads it
 * (DuckDB, Spark, pyarrow, Trino). bench/README.md "Third round" has the figures.
 */
export const DEFAULT_PARQUET_COMPRESSION: ParquetCompressionCodec = 'GZIP';

/**
 * zlib level of GZIP pages. parquetjs gzips with zlib's default (6) and has no option for it, so its GZIP deflate
 * is replaced, once, when this module loads (the codec and the file format stay GZIP; only the effort changes).
 * On generated events (bench/profile/gzip-levels.ts): level 1 ~47.5 bytes per event at ~13 µs of encode CPU per
 * event, level 6 ~42.4 at ~18 µs; snappy ~77 at ~12-15 µs.
 */
export const PARQUET_GZIP_LEVEL = 1;
PARQUET_COMPRESSION_METHODS['GZIP'].deflate = (value: Buffer) => gzipSync(value, { level: PARQUET_GZIP_LEVEL });

export interface ParquetEncodingOptions {
  /** Default DEFAULT_PARQUET_COMPRESSION (GZIP). */
  compression?: ParquetCompressionCodec;
  /** Rows per row group. Default 10 000; a whole flushed batch usually fits one group. */
  rowGroupSize?: number;
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

/**
 * Rows of any shape for encodeParquetFrom: `columnValue` reads a column straight off a row, `toRow` makes the
 * plain row parquetjs needs for the one row per full group it appends itself.
 */
export interface ParquetRowSource<R> {
  rows: readonly R[];
  columnValue: ColumnValueReader<R>;
  toRow: (row: R) => ParquetRow;
}

const plainColumnValue: ColumnValueReader<ParquetRow> = (column) => (row) => row[column];

/** encodeParquet for rows that are not plain objects (e.g. events read through their column list). */
export async function encodeParquetFrom<R>(
  columns: readonly ParquetColumn[],
  source: ParquetRowSource<R>,
  options: ParquetEncodingOptions = {},
): Promise<Buffer> {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) throw new Error(`invalid rowGroupSize ${rowGroupSize}`);
  const output = parquetOutputBuffer();
  const schema = parquetSchemaFor(columns, options.compression);
  // One page per column chunk (pageSize = rowGroupSize): fewer page headers, and the row-group writes below
  // then match what appendRow alone would produce, byte for byte.
  const writer = await ParquetWriter.openStream(schema, output.stream, { rowGroupSize, pageSize: rowGroupSize });
  await writeRowGroups(writer, schema, source, rowGroupSize);
  await writer.close();
  return output.bytes();
}

/** An in-memory stream for ParquetWriter.openStream, and the file it received. */
export function parquetOutputBuffer(): { stream: Parameters<typeof ParquetWriter.openStream>[1]; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  // parquetjs types the stream as an fs.WriteStream but only calls write() and end(), which any Writable has.
  return { stream: sink as unknown as Parameters<typeof ParquetWriter.openStream>[1], bytes: () => Buffer.concat(chunks) };
}

/**
 * Hands each row group to parquetjs pre-shredded (shredFlatRows) instead of row by row. A full group is
 * prefilled with all but its last row, and appendRow(last row) makes parquetjs encode and write it as usual;
 * the final, partial group is prefilled whole and written by close().
 */
async function writeRowGroups<R>(writer: ParquetWriter, schema: ParquetSchema, source: ParquetRowSource<R>, rowGroupSize: number) {
  const { rows } = source;
  for (let start = 0; start < rows.length; start += rowGroupSize) {
    const end = Math.min(rows.length, start + rowGroupSize);
    const full = end - start === rowGroupSize;
    const prefilledEnd = full ? end - 1 : end;
    writer.rowBuffer = prefilledEnd > start ? shredFlatRows(schema, rows, start, prefilledEnd, source.columnValue) : {};
    if (full) await writer.appendRow(source.toRow(rows[end - 1]));
  }
}

/**
 * Streams the rows of a Parquet file as plain values: INT64 (bigint in parquetjs) becomes number,
 * TIMESTAMP_MILLIS (Date) becomes epoch ms, absent optional values become null.
 */
export async function* decodeParquet(bytes: Buffer): AsyncGenerator<ParquetRow> {
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
