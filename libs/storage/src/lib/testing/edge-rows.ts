import type { ParquetColumn, ParquetRow } from '../parquet-codec';

/** Every column type, optional and required, with values at their edges. */
export const EDGE_COLUMNS: readonly ParquetColumn[] = [
  { name: 'id', type: 'string', required: true },
  { name: 'label', type: 'string', required: false },
  { name: 'small', type: 'int32', required: false },
  { name: 'cents', type: 'int64', required: true },
  { name: 'seen_at', type: 'timestamp_millis', required: false },
  { name: 'never', type: 'string', required: false },
];

// 'ｶﾅ' (U+FF76…) sorts after '🛒' (a surrogate pair, D83D…) in JS's UTF-16 order, before it in UTF-8 bytes (EF… < F0…).
const LABELS = ['Zürich', 'naïve café', '東京', '🛒 cart', '', 'plain', 'ｶﾅ'];

/** `count` rows: unique ids, few labels (non-ASCII, empty, nulls), int32/int64 extremes, timestamps, one all-null column. */
export function edgeRows(count: number): ParquetRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `row-${i}-${'x'.repeat(i % 7)}`,
    label: i % 5 === 4 ? null : LABELS[i % LABELS.length],
    small: i % 3 === 0 ? null : [-0x80000000, 0x7fffffff, 0, -1, 42][i % 5],
    cents: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 32) - 1, 0, 123_456_789_012][i % 6],
    seen_at: i % 4 === 3 ? null : Date.UTC(2026, 10, 27, 10, 0, 0, 0) + i * 1_001,
    never: null,
  }));
}
