import { ParquetReader } from '@dsnp/parquetjs';
import type { ColumnMetaData } from '@dsnp/parquetjs/dist/gen-nodejs/parquet_types';
import { EVENT_COLUMNS, toEventRow } from '@pipeline/events';
import { encodeEventsParquet } from './event-parquet';
import { FLAT_PARQUET_CREATED_BY, MAX_DICTIONARY_PAGE_BYTES } from './flat-parquet-writer';
import { decodeParquet, encodeParquet, type ParquetColumn, type ParquetEncodingOptions, type ParquetRow } from './parquet-codec';
import { EDGE_COLUMNS, edgeRows } from './testing/edge-rows';
import { eventStream } from './testing/event-factory';

async function readBack(bytes: Buffer): Promise<ParquetRow[]> {
  const rows: ParquetRow[] = [];
  for await (const row of decodeParquet(bytes)) rows.push(row);
  return rows;
}

/** Each column's chunk metadata in row group `group`, as parquetjs reads the footer. */
async function chunkMetadata(bytes: Buffer, group = 0): Promise<Record<string, ColumnMetaData | undefined>> {
  const reader = await ParquetReader.openBuffer(bytes);
  try {
    return Object.fromEntries(
      (reader.metadata?.row_groups[group]?.columns ?? []).map((chunk) => [chunk.meta_data?.path_in_schema.join('.'), chunk.meta_data]),
    );
  } finally {
    await reader.close();
  }
}

const RLE_DICTIONARY = 8;
const PLAIN = 0;

describe('writeFlatParquet (through encodeParquet / encodeEventsParquet)', () => {
  it.each(['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const)('round-trips every column type, nulls and non-ASCII text exactly with %s', async (compression) => {
    const rows = edgeRows(1000);
    const bytes = await encodeParquet(EDGE_COLUMNS, rows, { compression, rowGroupSize: 300 });
    expect(await readBack(bytes)).toEqual(rows);
  });

  it('writes one row group per rowGroupSize rows, each with its own dictionary', async () => {
    const rows = edgeRows(1000);
    const bytes = await encodeParquet(EDGE_COLUMNS, rows, { rowGroupSize: 300 });
    const reader = await ParquetReader.openBuffer(bytes);
    expect(reader.metadata?.row_groups.map((group) => Number(group.num_rows))).toEqual([300, 300, 300, 100]);
    for (const group of reader.metadata?.row_groups ?? []) {
      const label = group.columns[1].meta_data;
      expect(Number(label?.dictionary_page_offset)).toBeGreaterThan(0);
      expect(label?.encodings).toContain(RLE_DICTIONARY);
    }
    await reader.close();
  });

  it('dictionary-encodes columns with few distinct values and leaves unique ones PLAIN', async () => {
    const events = eventStream(3000, '2026-11-27T10:00:00.000Z', 1);
    const chunks = await chunkMetadata(await encodeEventsParquet(events));
    expect(chunks['event_id']?.encodings).toEqual([PLAIN, 3]); // PLAIN values, RLE levels
    expect(chunks['event_id']?.dictionary_page_offset ?? null).toBeNull();
    for (const name of ['event_type', 'device_type', 'country', 'user_id', 'product_id', 'price_cents', 'quantity']) {
      expect(chunks[name]?.encodings).toContain(RLE_DICTIONARY);
      expect(Number(chunks[name]?.dictionary_page_offset)).toBeGreaterThan(0);
    }
    expect(Number(chunks['event_type']?.statistics?.distinct_count)).toBe(5);
  });

  it('writes PLAIN only with dictionary: false, and the same rows come back', async () => {
    const events = eventStream(2000, '2026-11-27T10:00:00.000Z', 1);
    const options: ParquetEncodingOptions = { dictionary: false };
    const bytes = await encodeEventsParquet(events, options);
    for (const chunk of Object.values(await chunkMetadata(bytes))) expect(chunk?.encodings).not.toContain(RLE_DICTIONARY);
    expect(await readBack(bytes)).toEqual(events.map(toEventRow));
    expect((await encodeEventsParquet(events)).length).toBeLessThan(bytes.length);
  });

  it('falls back to PLAIN when the dictionary would pass MAX_DICTIONARY_PAGE_BYTES', async () => {
    const columns: ParquetColumn[] = [{ name: 'text', type: 'string', required: true }];
    const distinct = Math.ceil(MAX_DICTIONARY_PAGE_BYTES / 1000) + 10;
    // Each value twice: few enough distinct values to try a dictionary, too many bytes to keep it.
    const rows = Array.from({ length: 2 * distinct }, (_, i) => ({ text: `${i % distinct}`.padEnd(1000, '.') }));
    const bytes = await encodeParquet(columns, rows, { rowGroupSize: rows.length });
    expect((await chunkMetadata(bytes))['text']?.encodings).toEqual([PLAIN, 3]);
    expect(await readBack(bytes)).toEqual(rows);
  });

  it('keeps min/max (unsigned byte order for strings) and null counts per column chunk', async () => {
    const rows = edgeRows(600);
    const chunks = await chunkMetadata(await encodeParquet(EDGE_COLUMNS, rows, { rowGroupSize: 600 }));
    const label = chunks['label']?.statistics;
    // parquetjs decodes the statistics it reads (strings, bigint, number). The maximum in UTF-8 byte order is '🛒 cart'
    // (JS's order would say 'ｶﾅ'). The minimum is '' (DuckDB's spec reads it), which parquetjs's reader takes for none.
    expect(label?.max_value).toBe('🛒 cart');
    expect(Number(label?.null_count)).toBe(rows.filter((r) => r['label'] === null).length);
    const cents = chunks['cents']?.statistics;
    expect(cents?.min_value).toBe(BigInt(Number.MIN_SAFE_INTEGER));
    expect(cents?.max_value).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    const small = chunks['small']?.statistics;
    expect(small?.min_value).toBe(-0x80000000);
    expect(small?.max_value).toBe(0x7fffffff);
    const never = chunks['never']?.statistics;
    expect(Number(never?.null_count)).toBe(600);
    expect(never?.min_value ?? undefined).toBeUndefined();
  });

  it('declares the order of its statistics (column_orders) and who wrote the file in the grammar readers parse', async () => {
    for (const rows of [edgeRows(10), []]) {
      const reader = await ParquetReader.openBuffer(await encodeParquet(EDGE_COLUMNS, rows));
      // Without TYPE_ORDER entries Arrow C++ (pyarrow) ignores min_value/max_value (pyarrow-crosscheck.spec.ts).
      expect(reader.metadata?.column_orders).toEqual(EDGE_COLUMNS.map(() => expect.objectContaining({ TYPE_ORDER: expect.anything() })));
      expect(reader.metadata?.created_by).toBe(FLAT_PARQUET_CREATED_BY);
      await reader.close();
    }
    // parquet-mr's VersionParser.FORMAT: application, "version", semver.
    expect(FLAT_PARQUET_CREATED_BY).toMatch(/^(.*?)\s+version\s*(\d+\.\d+\.\d+)$/);
  });

  it('writes an empty file (no row groups) and a one-row file', async () => {
    const empty = await encodeParquet(EDGE_COLUMNS, []);
    const reader = await ParquetReader.openBuffer(empty);
    expect(Number(reader.getRowCount())).toBe(0);
    expect(reader.metadata?.row_groups).toEqual([]);
    await reader.close();
    expect(await readBack(empty)).toEqual([]);
    const one = edgeRows(1);
    expect(await readBack(await encodeParquet(EDGE_COLUMNS, one))).toEqual(one);
  });

  it('gzips every page at zlib level 1 (each gzip member header says "fastest")', async () => {
    const bytes = await encodeEventsParquet(eventStream(500, '2026-11-27T10:00:00.000Z', 1));
    let members = 0;
    for (let at = bytes.indexOf(GZIP_MAGIC); at >= 0; at = bytes.indexOf(GZIP_MAGIC, at + 1)) {
      members++;
      expect(bytes[at + 8]).toBe(4); // XFL = 4: compressed with the fastest algorithm (RFC 1952)
    }
    expect(members).toBeGreaterThanOrEqual(EVENT_COLUMNS.length);
  });

  it('refuses a missing required value and out-of-range or mistyped values instead of writing a bad file', async () => {
    const [row] = edgeRows(1);
    await expect(encodeParquet(EDGE_COLUMNS, [{ ...row, id: null }])).rejects.toThrow(/missing required field: id/);
    await expect(encodeParquet(EDGE_COLUMNS, [{ ...row, small: 2 ** 31 }])).rejects.toThrow(/invalid value for INT32/);
    await expect(encodeParquet(EDGE_COLUMNS, [{ ...row, small: 1.5 }])).rejects.toThrow(/invalid value for INT32/);
    await expect(encodeParquet(EDGE_COLUMNS, [{ ...row, cents: 2 ** 53 }])).rejects.toThrow(/invalid value for INT64/);
    await expect(encodeParquet(EDGE_COLUMNS, [{ ...row, id: 7 }])).rejects.toThrow(/invalid value for UTF8/);
  });
});

// gzip member header: magic 1f 8b, method 08 (deflate), flags 00 (zlib writes none).
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
