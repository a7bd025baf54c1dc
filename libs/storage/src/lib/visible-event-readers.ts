import type { EventRow } from '@pipeline/events';
import { listVisibleFiles, listVisibleHourFiles } from './compaction-visibility';
import { readEventRows } from './event-parquet';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { EVENTS_DATASET } from './storage-layout';

/**
 * Event rows as a reader must see them once compaction runs: only visible files (compaction-visibility), and a
 * listing taken again when a listed file was deleted before it was read (a compaction committed in between and
 * removed its sources; the new listing has its output instead).
 */

const MAX_ATTEMPTS = 5;

/** The visible raw event files of one hour, sorted. */
export async function listVisibleEventFiles(backend: StorageBackend, hour: PartitionPath | string): Promise<string[]> {
  return (await listVisibleHourFiles(backend, EVENTS_DATASET, hour)).map((f) => f.key).filter((key) => key.endsWith('.parquet'));
}

/** The visible raw event files of the hours overlapping [fromMs, toMs) (every hour without a range), sorted. */
export async function listVisibleEventFilesInRange(backend: StorageBackend, fromMs?: number, toMs?: number): Promise<string[]> {
  return (await listVisibleFiles(backend, EVENTS_DATASET, { fromMs, toMs })).filter((key) => key.endsWith('.parquet'));
}

/** Every row of the visible files `list` returns, read whole again from a fresh listing if a file vanished. */
async function readRowsOfListing(backend: StorageBackend, list: () => Promise<string[]>): Promise<EventRow[]> {
  for (let attempt = 1; ; attempt++) {
    const rows: EventRow[] = [];
    let vanished: string | null = null;
    for (const key of await list()) {
      try {
        for await (const row of readEventRows(backend, key)) rows.push(row);
      } catch (error) {
        if (await backend.exists(key)) throw error;
        vanished = key;
        break;
      }
    }
    if (vanished === null) return rows;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`event files kept vanishing while read (last: ${vanished})`);
  }
}

/** The stored events of one hour (rows of its visible files), each exactly once. */
export function readHourEventRows(backend: StorageBackend, hour: PartitionPath | string): Promise<EventRow[]> {
  return readRowsOfListing(backend, () => listVisibleEventFiles(backend, hour));
}

/** The stored events of the hours overlapping [fromMs, toMs) (all hours without a range), each exactly once. */
export function readEventRowsInRange(backend: StorageBackend, fromMs?: number, toMs?: number): Promise<EventRow[]> {
  return readRowsOfListing(backend, () => listVisibleEventFilesInRange(backend, fromMs, toMs));
}
