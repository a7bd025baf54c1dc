import type { ParquetSchema } from '@dsnp/parquetjs';
import type { RecordBuffer } from '@dsnp/parquetjs/dist/lib/shred';
import { toPrimitive } from '@dsnp/parquetjs/dist/lib/types';
import type { ParquetValue } from './parquet-codec';

/** Reads one column of a row: `row[name]` for plain rows, a column's read function for domain objects. */
export type ColumnValueReader<R> = (column: string) => (row: R) => ParquetValue | undefined;

/**
 * Builds parquetjs's row buffer for rows[from..to) column by column (rows may be plain rows or the domain
 * objects themselves, read through `columnValue`, which spares building a row object per event): the exact structure
 * (values, definition/repetition levels, distinct values, counts) that parquetjs's shredRecord builds row by
 * row. shredRecord is generic over nested schemas and allocates a fresh object, three arrays and a Set per
 * column per row; for a flat schema that churn was most of the Parquet encoding time.
 *
 * Only for flat schemas (no groups, no repeated fields): each row has at most one value per column, so the
 * repetition level is always 0 and the definition level is 0 (null) or the column's maximum (present).
 * Values go through parquetjs's own toPrimitive, so conversions and range checks are unchanged.
 * The buffer layout is parquetjs-internal (RecordBuffer, @dsnp/parquetjs 1.8.8 is pinned): the spec compares
 * whole files with parquetjs's row-by-row output byte for byte, so an upgrade that changes it fails there.
 */
export function shredFlatRows<R>(
  schema: ParquetSchema,
  rows: readonly R[],
  from: number,
  to: number,
  columnValue: ColumnValueReader<R>,
): RecordBuffer {
  const columnData: NonNullable<RecordBuffer['columnData']> = {};
  const pages: NonNullable<RecordBuffer['pages']> = {};
  for (const field of schema.fieldList) {
    if (field.isNested || field.repetitionType === 'REPEATED') throw new Error(`shredFlatRows: column ${field.name} is not flat`);
    const type = field.originalType || field.primitiveType;
    if (type === undefined) throw new Error(`shredFlatRows: column ${field.name} has no type`);
    const path = field.path.join(',');
    const required = field.repetitionType === 'REQUIRED';
    const present = field.dLevelMax;
    const read = columnValue(field.name);
    const values: unknown[] = [];
    const dlevels: number[] = new Array(to - from);
    const rlevels: number[] = new Array(to - from).fill(0);
    // Distinct value -> its primitive: repeated values (event types, devices, countries, products) are converted
    // once, where toPrimitive allocated a fresh Buffer per string per row.
    const primitiveOf = new Map<unknown, unknown>();
    for (let i = from; i < to; i++) {
      const value = read(rows[i]);
      if (value === undefined || value === null) {
        if (required) throw new Error(`missing required field: ${field.name}`);
        dlevels[i - from] = 0;
      } else {
        dlevels[i - from] = present;
        let primitive = primitiveOf.get(value);
        if (primitive === undefined) {
          primitive = toPrimitive(type, value, field);
          primitiveOf.set(value, primitive);
        }
        values.push(primitive);
      }
    }
    const distinct = new Set(primitiveOf.keys());
    columnData[path] = { dlevels, rlevels, values, distinct_values: distinct, count: to - from } as NonNullable<RecordBuffer['columnData']>[string];
    pages[path] = [];
  }
  return { rowCount: to - from, pageRowCount: to - from, columnData, pages };
}
