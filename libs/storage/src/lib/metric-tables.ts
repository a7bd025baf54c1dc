import { EVENT_KINDS, EVENT_TYPES } from '@pipeline/events';
import { toCsv } from './csv';
import { FUNNEL_STAGES, ordersOf, sessionsPerStage, type FunnelStage, type HourlyPartial } from './hourly-partial';
import { formatCents, formatRatio } from './money';
import { encodeParquet, type ParquetColumn, type ParquetEncodingOptions } from './parquet-codec';
import { PartitionPath } from './partition-path';

export const METRIC_TABLE_NAMES = ['summary', 'events_by_type', 'products', 'categories', 'devices', 'funnel'] as const;
export type MetricTableName = (typeof METRIC_TABLE_NAMES)[number];

export function isMetricTableName(value: string): value is MetricTableName {
  return (METRIC_TABLE_NAMES as readonly string[]).includes(value);
}

export interface MetricColumn extends ParquetColumn {
  type: 'string' | 'int64' | 'timestamp_millis';
}

/**
 * The first column of every table: the ISO start of the hour in CSV and in memory, TIMESTAMP_MILLIS in Parquet.
 * Not `hour`: the tables sit in `hour=HH` Hive folders, and a data column named like a partition key is replaced
 * by the folder's value (Spark, DuckDB), refused (pyarrow), or cannot be declared at all (Trino, Athena, Hive
 * tables). With `hour_start` a table's folders read as one Hive dataset: the file's timestamp next to the folder's
 * year/month/day/hour (see the DuckDB and pyarrow cross-check specs).
 */
export const HOUR_START_COLUMN = 'hour_start';
/** The first column's name in tables written before it was renamed; readers still accept it. */
export const LEGACY_HOUR_COLUMN = 'hour';

/** Counts are numbers; the hour start, money and ratios are text. */
export type MetricValue = string | number;
export type MetricRow = Record<string, MetricValue>;

export interface MetricTable {
  name: MetricTableName;
  columns: readonly MetricColumn[];
  rows: MetricRow[];
}

const hourStart: MetricColumn = { name: HOUR_START_COLUMN, type: 'timestamp_millis', required: true };
const text = (name: string): MetricColumn => ({ name, type: 'string', required: true });
const count = (name: string): MetricColumn => ({ name, type: 'int64', required: true });

/**
 * The fixed column order of every table: readers (reporter, spreadsheets) may rely on position.
 * Decimal money and ratio columns are text with a fixed number of places, computed from integers.
 */
export const METRIC_TABLE_COLUMNS: Record<MetricTableName, readonly MetricColumn[]> = {
  summary: [
    hourStart,
    count('events'),
    count('sessions'),
    count('users'),
    /** One count per event kind (its `countColumn`: page_views ... orders), in registry order. */
    ...EVENT_KINDS.map((kind) => count(kind.countColumn)),
    count('units'),
    count('revenue_cents'),
    text('revenue'),
    /** Two places; "" when the hour has no orders. */
    text('avg_order_value'),
    /** orders / sessions, four places (can exceed 1 when sessions order more than once). */
    text('conversion_rate'),
  ],
  events_by_type: [hourStart, text('event_type'), count('events')],
  products: [
    hourStart,
    text('product_id'),
    text('product_name'),
    text('category'),
    count('views'),
    count('add_to_carts'),
    count('units'),
    count('revenue_cents'),
    text('revenue'),
  ],
  categories: [hourStart, text('category'), count('units'), count('revenue_cents'), text('revenue')],
  devices: [hourStart, text('device_type'), count('events'), count('orders'), count('revenue_cents'), text('revenue')],
  /** Sessions that, within the hour, reached each stage (see FUNNEL_STAGES for the definition). */
  funnel: [hourStart, text('stage'), count('sessions')],
};

const byRevenueThenKey =
  <T extends { revenue_cents: number }>(key: (row: T) => string) =>
  (a: T, b: T): number =>
    b.revenue_cents - a.revenue_cents || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The six tables of one hour, computed only from its merged partial. */
export function hourlyMetricTables(partial: HourlyPartial): MetricTable[] {
  const h = PartitionPath.parse(partial.hour).toIsoString();
  const sessions = Object.keys(partial.sessions).length;
  const orders = ordersOf(partial);
  const table = (name: MetricTableName, rows: MetricRow[]): MetricTable => ({ name, columns: METRIC_TABLE_COLUMNS[name], rows });
  return [
    table('summary', [
      {
        hour_start: h,
        events: partial.events,
        sessions,
        users: partial.users.length,
        ...Object.fromEntries(EVENT_KINDS.map((kind) => [kind.countColumn, partial.events_by_type[kind.type] ?? 0])),
        units: partial.units,
        revenue_cents: partial.revenue_cents,
        revenue: formatCents(partial.revenue_cents),
        avg_order_value: formatRatio(partial.revenue_cents, orders * 100, 2),
        conversion_rate: sessions === 0 ? formatRatio(0, 1, 4) : formatRatio(orders, sessions, 4),
      },
    ]),
    table(
      'events_by_type',
      EVENT_TYPES.map((type) => ({ hour_start: h, event_type: type, events: partial.events_by_type[type] ?? 0 })),
    ),
    table(
      'products',
      Object.values(partial.products)
        .sort(byRevenueThenKey((p) => p.product_id))
        .map((p) => ({
          hour_start: h,
          product_id: p.product_id,
          product_name: p.name,
          category: p.category,
          views: p.views,
          add_to_carts: p.add_to_carts,
          units: p.units,
          revenue_cents: p.revenue_cents,
          revenue: formatCents(p.revenue_cents),
        })),
    ),
    table(
      'categories',
      Object.entries(partial.categories)
        .map(([category, c]) => ({ category, ...c }))
        .sort(byRevenueThenKey((c) => c.category))
        .map((c) => ({ hour_start: h, category: c.category, units: c.units, revenue_cents: c.revenue_cents, revenue: formatCents(c.revenue_cents) })),
    ),
    table(
      'devices',
      Object.entries(partial.devices)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([device_type, d]) => ({
          hour_start: h,
          device_type,
          events: d.events,
          orders: d.orders,
          revenue_cents: d.revenue_cents,
          revenue: formatCents(d.revenue_cents),
        })),
    ),
    table('funnel', funnelRows(h, sessionsPerStage(partial))),
  ];
}

function funnelRows(hourIso: string, sessions: Record<FunnelStage, number>): MetricRow[] {
  return FUNNEL_STAGES.map(({ stage }) => ({ hour_start: hourIso, stage, sessions: sessions[stage] }));
}

export function metricTableCsv(table: MetricTable): string {
  const names = table.columns.map((c) => c.name);
  return toCsv(names, table.rows.map((row) => names.map((name) => row[name])));
}

export function metricTableParquet(table: MetricTable, options: ParquetEncodingOptions = {}): Promise<Buffer> {
  const rows = table.rows.map((row) => {
    const out: Record<string, string | number> = {};
    for (const column of table.columns) {
      const value = row[column.name];
      out[column.name] = column.type === 'timestamp_millis' ? Date.parse(String(value)) : value;
    }
    return out;
  });
  return encodeParquet(table.columns, rows, options);
}

/**
 * The ISO hour start of a metric row: `hour_start`, or `hour` in a row of a table written before the rename.
 * Undefined when the row has neither.
 */
export function metricRowHourStart(row: Readonly<Record<string, unknown>>): string | undefined {
  const value = row[HOUR_START_COLUMN] ?? row[LEGACY_HOUR_COLUMN];
  return value === undefined ? undefined : String(value);
}

/**
 * Turns CSV text fields back into typed values by the table's column types. A table written before the rename
 * (`hour` instead of `hour_start`) reads as if written now: the row always has `hour_start`.
 */
export function typedMetricRow(table: MetricTableName, fields: Record<string, string>): MetricRow {
  const row: MetricRow = {};
  for (const column of METRIC_TABLE_COLUMNS[table]) {
    const value = column.name === HOUR_START_COLUMN ? metricRowHourStart(fields) : fields[column.name];
    if (value === undefined) throw new Error(`${table}: missing column ${column.name}`);
    if (column.type === 'int64') {
      if (!/^-?\d+$/.test(value)) throw new Error(`${table}.${column.name}: "${value}" is not an integer`);
      row[column.name] = Number(value);
    } else {
      row[column.name] = value;
    }
  }
  return row;
}
