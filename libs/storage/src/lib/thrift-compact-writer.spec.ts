import * as thrift from '@dsnp/parquetjs/dist/gen-nodejs/parquet_types';
import { decodeThrift, serializeThrift } from '@dsnp/parquetjs/dist/lib/util';
import Int64 from 'node-int64';
import { encodeEventsParquet } from './event-parquet';
import { serializeThriftCompact } from './thrift-compact-writer';
import { eventStream } from './testing/event-factory';

/** parquet_types declares i64 fields as Int64; thrift takes numbers too, and the flat writer passes numbers. */
const i64 = (value: number) => value as unknown as Int64;

function statistics(nulls: number | Int64, min?: Buffer, max?: Buffer): thrift.Statistics {
  const stats = new thrift.Statistics({ null_count: nulls as Int64 });
  if (min && max) {
    stats.min_value = min;
    stats.max_value = max;
  }
  return stats;
}

function columnChunk(name: string, offset: number, size: number): thrift.ColumnChunk {
  const metadata = new thrift.ColumnMetaData({
    type: thrift.Type.BYTE_ARRAY,
    encodings: [thrift.Encoding.PLAIN_DICTIONARY, thrift.Encoding.RLE, thrift.Encoding.RLE_DICTIONARY],
    path_in_schema: [name],
    codec: thrift.CompressionCodec.GZIP,
    num_values: i64(20_000),
    total_uncompressed_size: i64(size * 3),
    total_compressed_size: i64(size),
    data_page_offset: i64(offset + 40),
    statistics: statistics(i64(3), Buffer.from('aé'), Buffer.from('zz€')),
  });
  metadata.dictionary_page_offset = i64(offset);
  return new thrift.ColumnChunk({ file_offset: i64(offset), meta_data: metadata });
}

/** What the flat writer serialises: page headers of both kinds and a footer with row groups, stats and column orders. */
function structures(): Array<[string, object]> {
  const columns = ['event_id', 'event_type', 'ünïcode_名前', 'price_cents'];
  const footer = new thrift.FileMetaData({
    version: 1,
    schema: [
      new thrift.SchemaElement({ name: 'root', num_children: columns.length }),
      ...columns.map((name) => new thrift.SchemaElement({ name, repetition_type: thrift.FieldRepetitionType.OPTIONAL, type: thrift.Type.BYTE_ARRAY, converted_type: thrift.ConvertedType.UTF8 })),
    ],
    num_rows: i64(2 ** 40 + 7),
    row_groups: [0, 1].map((group) => {
      const rowGroup = new thrift.RowGroup({ columns: columns.map((name, i) => columnChunk(name, 4 + group * 1_000_000 + i * 70_000, 65_000 + i)), num_rows: i64(20_000), total_byte_size: i64(0) });
      rowGroup.file_offset = i64(4 + group * 1_000_000);
      rowGroup.total_compressed_size = i64(300_000);
      return rowGroup;
    }),
    created_by: 'ecommerce-streaming-pipeline flat-parquet-writer version 1.0.0',
    column_orders: columns.map(() => new thrift.ColumnOrder({ TYPE_ORDER: new thrift.TypeDefinedOrder() })),
  });
  const dictionaryHeader = new thrift.PageHeader({
    type: thrift.PageType.DICTIONARY_PAGE,
    uncompressed_page_size: 1234,
    compressed_page_size: 567,
    dictionary_page_header: new thrift.DictionaryPageHeader({ num_values: 42, encoding: thrift.Encoding.PLAIN_DICTIONARY }),
  });
  const dataHeader = (compressed: boolean) =>
    new thrift.PageHeader({
      type: thrift.PageType.DATA_PAGE_V2,
      uncompressed_page_size: 2 ** 31 - 1,
      compressed_page_size: 0,
      data_page_header_v2: new thrift.DataPageHeaderV2({
        num_values: 20_000,
        num_nulls: 0,
        num_rows: 20_000,
        encoding: thrift.Encoding.RLE_DICTIONARY,
        definition_levels_byte_length: 300,
        repetition_levels_byte_length: 0,
        is_compressed: compressed,
      }),
    });
  return [
    ['footer', footer],
    ['dictionary page header', dictionaryHeader],
    ['compressed data page header (bool true)', dataHeader(true)],
    ['uncompressed data page header (bool false)', dataHeader(false)],
  ] as unknown as Array<[string, object]>;
}

describe('serializeThriftCompact', () => {
  it.each(structures())('writes the bytes parquetjs (thrift) writes: %s', (_name, struct) => {
    expect(serializeThriftCompact(struct).equals(serializeThrift(struct as never))).toBe(true);
  });

  it.each([0, 1, -1, 63, 64, -64, -65, 127, 128, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 40 + 1, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'writes the i64 %d as thrift does, as a number and as an Int64',
    (value) => {
      for (const nulls of [i64(value), new Int64(value)]) {
        const struct = statistics(nulls) as unknown as object;
        expect(serializeThriftCompact(struct).toString('hex')).toBe(serializeThrift(struct as never).toString('hex'));
      }
    },
  );

  it('reads back through parquetjs as the structure it was given', () => {
    const [, footer] = structures()[0];
    const decoded = new thrift.FileMetaData();
    const bytes = serializeThriftCompact(footer);
    expect(decodeThrift(decoded, bytes)).toBe(bytes.length);
    expect(decoded.created_by).toBe('ecommerce-streaming-pipeline flat-parquet-writer version 1.0.0');
    expect(decoded.schema.map((element) => element.name)).toEqual(['root', 'event_id', 'event_type', 'ünïcode_名前', 'price_cents']);
    expect(Number(decoded.num_rows)).toBe(2 ** 40 + 7);
    expect(decoded.row_groups[1].columns[3].meta_data?.statistics?.max_value?.toString()).toBe('zz€');
  });

  it('leaves the Parquet files of events byte-identical to what thrift serialised', async () => {
    // The flat writer's footers and page headers all come from serializeThriftCompact: parse the file's footer back.
    const events = eventStream(3_000, '2026-12-01T10:00:00Z', 1, 5);
    const bytes = await encodeEventsParquet(events, {});
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    const footerBytes = bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8);
    const footer = new thrift.FileMetaData();
    expect(decodeThrift(footer, footerBytes)).toBe(footerLength);
    expect(serializeThrift(footer).equals(footerBytes)).toBe(true);
  });
});
