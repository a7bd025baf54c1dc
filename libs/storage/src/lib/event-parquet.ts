import { EVENT_COLUMNS, toEventRow, type EventRow, type ShopEvent } from '@pipeline/events';
import { decodeParquet, encodeParquetFrom, type ParquetEncodingOptions, type ParquetValue } from './parquet-codec';
import { shopEventFromRow } from './shop-event-from-row';
import type { StorageBackend } from './storage-backend';

const READ_EVENT_COLUMN = new Map(EVENT_COLUMNS.map((column) => [column.name, column.read as (event: ShopEvent) => ParquetValue]));

function eventColumnValue(name: string): (event: ShopEvent) => ParquetValue {
  const read = READ_EVENT_COLUMN.get(name);
  if (!read) throw new Error(`no event column ${name}`);
  return read;
}

/**
 * Raw events as one Parquet file; the schema is derived from EVENT_COLUMNS, the single list of columns. Values are
 * read column by column straight off the events (the same reads toEventRow makes), without a row object per event.
 */
export function encodeEventsParquet(events: readonly ShopEvent[], options: ParquetEncodingOptions = {}): Promise<Buffer> {
  return encodeParquetFrom(EVENT_COLUMNS, { rows: events, columnValue: eventColumnValue, toRow: toEventRow }, options);
}

/** The rows of a raw event file, in the order they were written (Kafka order within the batch). */
export async function* readEventRows(backend: StorageBackend, key: string): AsyncGenerator<EventRow> {
  yield* decodeParquet(await backend.read(key));
}

/** The events of a raw file rebuilt as ShopEvents, e.g. to recompute aggregates from the raw data. */
export async function* readShopEvents(backend: StorageBackend, key: string): AsyncGenerator<ShopEvent> {
  for await (const row of readEventRows(backend, key)) yield shopEventFromRow(row);
}
