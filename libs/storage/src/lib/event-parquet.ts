import { EVENT_COLUMNS, toEventRow, type EventRow, type ShopEvent } from '@pipeline/events';
import { decodeParquet, encodeParquet, type ParquetEncodingOptions } from './parquet-codec';
import { shopEventFromRow } from './shop-event-from-row';
import type { StorageBackend } from './storage-backend';

/** Raw events as one Parquet file; the schema is derived from EVENT_COLUMNS, the single list of columns. */
export function encodeEventsParquet(events: readonly ShopEvent[], options: ParquetEncodingOptions = {}): Promise<Buffer> {
  return encodeParquet(EVENT_COLUMNS, events.map(toEventRow), options);
}

/** The rows of a raw event file, in the order they were written (Kafka order within the batch). */
export async function* readEventRows(backend: StorageBackend, key: string): AsyncGenerator<EventRow> {
  yield* decodeParquet(await backend.read(key));
}

/** The events of a raw file rebuilt as ShopEvents, e.g. to recompute aggregates from the raw data. */
export async function* readShopEvents(backend: StorageBackend, key: string): AsyncGenerator<ShopEvent> {
  for await (const row of readEventRows(backend, key)) yield shopEventFromRow(row);
}
