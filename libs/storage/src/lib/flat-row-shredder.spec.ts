import { ParquetWriter } from '@dsnp/parquetjs';
import { EVENT_COLUMNS, toEventRow } from '@pipeline/events';
import { shredFlatRows } from './flat-row-shredder';
import { encodeEventsParquet } from './event-parquet';
import { encodeParquet, parquetOutputBuffer, parquetSchemaFor, type ParquetRow } from './parquet-codec';
import { eventStream } from './testing/event-factory';

/** parquetjs's own row-by-row path (appendRow per row), with the options encodeParquet uses. */
async function encodeRowByRow(rows: ParquetRow[], rowGroupSize: number, compression: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED'): Promise<Buffer> {
  const output = parquetOutputBuffer();
  const writer = await ParquetWriter.openStream(parquetSchemaFor(EVENT_COLUMNS, compression), output.stream, { rowGroupSize, pageSize: rowGroupSize });
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return output.bytes();
}

const byName = (column: string) => (row: ParquetRow) => row[column];

describe('shredFlatRows', () => {
  // Every event kind, so every optional column is both null and set; group sizes that divide the rows
  // evenly, leave a partial last group, hold all rows, and the degenerate one-row group.
  const rows = eventStream(203, '2026-11-27T10:00:00.000Z', 2).map(toEventRow);

  it.each([
    [1, 'SNAPPY'],
    [7, 'SNAPPY'],
    [203, 'GZIP'],
    [1_000, 'UNCOMPRESSED'],
    [50, 'SNAPPY'],
  ] as const)('writes files byte-identical to parquetjs row by row (row groups of %d, %s)', async (rowGroupSize, compression) => {
    const fast = await encodeParquet(EVENT_COLUMNS, rows, { rowGroupSize, compression });
    const reference = await encodeRowByRow(rows, rowGroupSize, compression);
    expect(fast.equals(reference)).toBe(true);
  });

  it.each([7, 10_000])('writes events read column by column exactly as their rows (row groups of %d)', async (rowGroupSize) => {
    const events = eventStream(203, '2026-11-27T10:00:00.000Z', 2);
    const direct = await encodeEventsParquet(events, { rowGroupSize });
    expect(direct.equals(await encodeParquet(EVENT_COLUMNS, events.map(toEventRow), { rowGroupSize }))).toBe(true);
  });

  it('keeps parquetjs checks: a missing required value and an out-of-range integer are errors', () => {
    const schema = parquetSchemaFor(EVENT_COLUMNS);
    expect(() => shredFlatRows(schema, [{ ...rows[0], event_id: null }], 0, 1, byName)).toThrow(/missing required field: event_id/);
    expect(() => shredFlatRows(schema, [{ ...rows[0], schema_version: 2 ** 40 }], 0, 1, byName)).toThrow(/invalid value for INT32/);
  });

  it('levels: 0 for null, the maximum definition level for a value, repetition always 0', () => {
    const schema = parquetSchemaFor([
      { name: 'a', type: 'string', required: true },
      { name: 'b', type: 'int64', required: false },
    ]);
    const buffer = shredFlatRows(schema, [{ a: 'x', b: 5 }, { a: 'y', b: null }, { a: 'x', b: 7 }], 0, 3, byName);
    expect(buffer.rowCount).toBe(3);
    expect(buffer.columnData?.['b']).toMatchObject({ dlevels: [1, 0, 1], rlevels: [0, 0, 0], values: [5, 7], count: 3 });
    expect([...(buffer.columnData?.['a'].distinct_values ?? [])]).toEqual(['x', 'y']);
  });
});
