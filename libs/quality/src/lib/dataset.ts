import { EVENT_COLUMNS, type EventColumn, type ShopEvent } from '@pipeline/events';

/**
 * A column-oriented view of a set of events, the input of dataset rules. The same rules then run on a
 * micro-batch of typed events, on rows read back from Parquet, or on a bare list of an hour's ids.
 * Columns are named as in EVENT_COLUMNS.
 */
export interface Dataset {
  readonly size: number;
  /** The column's values by row, or undefined when this dataset does not carry the column. */
  column(name: string): readonly unknown[] | undefined;
}

const COLUMN_BY_NAME: ReadonlyMap<string, EventColumn> = new Map(EVENT_COLUMNS.map((c) => [c.name, c]));

/**
 * Columns that dataset rules read on every batch, read straight off the envelope. EVENT_COLUMNS reads them through
 * one shared closure per kind table, whose call site sees every column's reader and every kind's shape: 20x slower
 * per value. Each must answer exactly as its EVENT_COLUMNS read (dataset.spec.ts compares them on every kind).
 */
const DIRECT_READS: ReadonlyMap<string, (event: ShopEvent) => unknown> = new Map<string, (event: ShopEvent) => unknown>([
  ['event_id', (event) => event.event_id ?? null],
  ['event_type', (event) => event.event_type ?? null],
  ['page', (event) => event.page ?? null],
]);

/**
 * Typed events (a micro-batch). Columns are derived lazily with EVENT_COLUMNS and cached, so unused ones cost nothing.
 * `ready`: columns the caller has already computed for these events (e.g. the gate's event_time in epoch ms, read
 * while the record rules had it at hand); each must hold, row by row, what EVENT_COLUMNS would read.
 */
export function datasetFromEvents(events: readonly ShopEvent[], ready: Readonly<Record<string, readonly unknown[]>> = {}): Dataset {
  const cache = new Map<string, readonly unknown[]>();
  for (const [name, values] of Object.entries(ready)) {
    if (values.length !== events.length) throw new Error(`column ${name} has ${values.length} values for ${events.length} events`);
    cache.set(name, values);
  }
  return {
    size: events.length,
    column(name) {
      const cached = cache.get(name);
      if (cached) return cached;
      const read = DIRECT_READS.get(name) ?? COLUMN_BY_NAME.get(name)?.read;
      if (!read) return undefined;
      const values = new Array<unknown>(events.length);
      for (let row = 0; row < events.length; row++) values[row] = read(events[row]);
      cache.set(name, values);
      return values;
    },
  };
}

/** Flat rows (toEventRow, or rows read back from storage). A column absent from every row reads as missing. */
export function datasetFromRows(rows: readonly Readonly<Record<string, unknown>>[]): Dataset {
  const cache = new Map<string, readonly unknown[] | undefined>();
  return {
    size: rows.length,
    column(name) {
      if (cache.has(name)) return cache.get(name);
      const present = rows.some((row) => name in row);
      const values = present ? rows.map((row) => row[name] ?? null) : undefined;
      cache.set(name, values);
      return values;
    },
  };
}

/** Ready-made columns, e.g. `{ event_id: ids, event_time: times }` of an hour listed from storage. */
export function datasetFromColumns(columns: Readonly<Record<string, readonly unknown[]>>): Dataset {
  const lengths = new Set(Object.values(columns).map((values) => values.length));
  if (lengths.size > 1) throw new Error(`columns differ in length: ${[...lengths].join(', ')}`);
  return {
    size: lengths.size === 0 ? 0 : [...lengths][0],
    column: (name) => (Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined),
  };
}

/**
 * Reads an event time in any of the shapes it arrives in: epoch ms (rows), ISO text (events), Date or
 * bigint (Parquet readers). Null when absent or unreadable.
 */
export function toEpochMillis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isNaN(time) ? null : time;
  }
  if (typeof value === 'bigint') return Number(value);
  return null;
}
