import { eventTimeMillis } from '@pipeline/events';
import { decodeEventIdFile } from './event-id-file';
import { EventIdSet } from './event-id-set';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { IDS_DATASET, PENDING_DIR } from './storage-layout';

export interface EventIdIndexOptions {
  /**
   * Most ids held in memory over all hours (~25-45 bytes each). Past it the hours touched least recently are
   * dropped; they are read again from storage when a batch touches them. The hours of the batch at hand always stay.
   */
  maxIds?: number;
}

interface HourIds {
  ids: EventIdSet;
  /** Id files already folded into `ids`: re-listing the hour reads only files that appeared since. */
  files: Set<string>;
  lastUsed: number;
}

/** What a committed batch wrote, as an id index needs it (WrittenBatch is one). */
export interface CommittedIdFiles {
  /** The batch's `.ids` files with their bytes. */
  idFiles?: ReadonlyArray<{ key: string; bytes: Buffer }>;
}

interface EventRef {
  event_id: string;
  event_time: string;
}

const HOUR_MS = 3_600_000;

/** Start of the UTC hour of an epoch-ms time: the key of an hour's ids (no object per event on the hot path). */
function hourStartOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

/**
 * Which event ids the lake already holds, per event-time hour, read from the `.ids` files every batch writes with
 * its Parquet files (under the same pending marker, so they are rolled back with them).
 *
 * Exact for what is committed, whatever the key or partition: an hour's set is the union of every committed id
 * file of that hour, from any writer (other processor instances, backfills). Files still listed by a pending
 * marker are skipped until a later refresh finds them settled: a batch that is rolled back must never make its
 * own redelivery look like a duplicate. What this cannot see is another instance's batch that is being written at
 * the same moment on another partition; since events are keyed by session_id, a re-sent event reaches the same
 * partition as its original, where batches are strictly sequential, so that gap only concerns copies that
 * changed key.
 *
 * Memory is bounded by `maxIds`; an evicted hour is read again on its next use, so age never weakens the check.
 */
export class DurableEventIdIndex {
  private readonly hours = new Map<number, HourIds>();
  /** Refreshes using each hour right now: eviction leaves these hours alone (see `refresh`). */
  private readonly pins = new Map<number, number>();
  private readonly maxIds: number;
  private clock = 0;

  constructor(
    private readonly backend: StorageBackend,
    options: EventIdIndexOptions = {},
  ) {
    this.maxIds = options.maxIds ?? 4_000_000;
  }

  /** Hours held in memory (epoch ms of their start), for metrics and tests. */
  heldHours(): number[] {
    return [...this.hours.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    let total = 0;
    for (const hour of this.hours.values()) total += hour.ids.size;
    return total;
  }

  /**
   * Brings the given hours up to date with storage: loads an hour on first use, and on every call reads the id
   * files that other writers committed since. Call before `findStored` for a batch's events.
   * `eventTimesMs`: the events' times in epoch ms (eventTimeMillis of each event_time), when the caller has them
   * already (the quality gate does), so they are not parsed again.
   */
  async refresh(events: readonly EventRef[], eventTimesMs?: readonly number[]): Promise<void> {
    if (eventTimesMs && eventTimesMs.length !== events.length) {
      throw new Error(`${eventTimesMs.length} event times for ${events.length} events`);
    }
    const starts = new Set<number>();
    let previous = NaN;
    for (let i = 0; i < events.length; i++) {
      const start = hourStartOf(eventTimesMs ? eventTimesMs[i] : eventTimeMillis(events[i].event_time));
      // A batch's events mostly share their hour: one Set insertion per run of them.
      if (start !== previous) starts.add((previous = start));
    }
    if (starts.size === 0) return;
    // Chunks of several partitions are checked at once: while this refresh waits for storage, another one may evict.
    // The hours are pinned until the caller has used them: the pins go in a setImmediate, after the microtasks that
    // resume the caller (the gate reads the index synchronously once refresh resolves), so no other refresh's
    // eviction can slip in between and make an id of a dropped hour look new.
    const tick = ++this.clock;
    const held: HourIds[] = [];
    for (const start of starts) {
      const hour = this.hourOf(start);
      hour.lastUsed = tick;
      held.push(hour);
      this.pins.set(start, (this.pins.get(start) ?? 0) + 1);
    }
    try {
      const pending = await this.pendingFiles();
      let at = 0;
      for (const start of starts) await this.readNewFiles(start, held[at++], pending);
      this.evict();
    } finally {
      setImmediate(() => this.unpin(starts));
    }
  }

  private async readNewFiles(start: number, hour: HourIds, pending: ReadonlySet<string>): Promise<void> {
    const folder = `${IDS_DATASET}/${PartitionPath.fromEventTime(start)}`;
    for (const key of await this.backend.list(folder)) {
      if (!key.endsWith('.ids') || hour.files.has(key) || pending.has(key)) continue;
      let bytes: Buffer;
      try {
        bytes = await this.backend.read(key);
      } catch (error) {
        // Listed, then gone: a recovery removed an uncommitted batch's files between the list and the read.
        if (!(await this.backend.exists(key))) continue;
        throw error;
      }
      hour.ids.addPacked(decodeEventIdFile(bytes, key));
      hour.files.add(key);
    }
  }

  private unpin(starts: Iterable<number>): void {
    for (const start of starts) {
      const count = (this.pins.get(start) ?? 0) - 1;
      if (count > 0) this.pins.set(start, count);
      else this.pins.delete(start);
    }
  }

  /** True when the id is stored in the hour of `eventTimeMs` (as of the last `refresh` of that hour). */
  has(eventId: string, eventTimeMs: number): boolean {
    return this.hours.get(hourStartOf(eventTimeMs))?.ids.has(eventId) ?? false;
  }

  /**
   * Indices of the events whose id is already stored, or repeats an earlier event of the same list. Exact for the
   * hours `refresh` loaded; an event of an hour not loaded counts as new.
   */
  findStored(events: readonly EventRef[]): number[] {
    const duplicates: number[] = [];
    const batch = new Map<number, EventIdSet>();
    events.forEach((event, index) => {
      const start = hourStartOf(eventTimeMillis(event.event_time));
      if (this.hours.get(start)?.ids.has(event.event_id)) {
        duplicates.push(index);
        return;
      }
      let seen = batch.get(start);
      if (!seen) batch.set(start, (seen = new EventIdSet()));
      if (!seen.add(event.event_id)) duplicates.push(index);
    });
    return duplicates;
  }

  /**
   * After a batch is committed: folds the `.ids` files it wrote (their bytes as written) into the hours held, so
   * they are not read back. The events themselves are not parsed again; an id file given without bytes, or of an
   * hour not held, is read from storage by the next `refresh` that needs its hour.
   */
  recordCommitted(_events: readonly EventRef[], written: CommittedIdFiles): void {
    for (const { key, bytes } of written.idFiles ?? []) {
      const hour = PartitionPath.tryParse(key);
      const held = hour && this.hours.get(hour.startMs);
      if (!held || held.files.has(key)) continue;
      held.ids.addPacked(decodeEventIdFile(bytes, key));
      held.files.add(key);
    }
  }

  private hourOf(start: number): HourIds {
    let hour = this.hours.get(start);
    if (!hour) {
      hour = { ids: new EventIdSet(), files: new Set(), lastUsed: 0 };
      this.hours.set(start, hour);
    }
    return hour;
  }

  /** Every file some pending marker lists: written by a batch that may still be rolled back. */
  private async pendingFiles(): Promise<Set<string>> {
    const files = new Set<string>();
    for (const key of await this.backend.list(PENDING_DIR)) {
      if (!key.endsWith('.json')) continue;
      let marker: { files?: unknown };
      try {
        marker = JSON.parse((await this.backend.read(key)).toString('utf8')) as { files?: unknown };
      } catch {
        continue; // settled (removed) between the list and the read
      }
      if (Array.isArray(marker.files)) for (const file of marker.files) if (typeof file === 'string') files.add(file);
    }
    return files;
  }

  /** Drops the hours used least recently until the ids fit `maxIds`; pinned hours (in use) always stay. */
  private evict(): void {
    let total = this.size;
    if (total <= this.maxIds) return;
    const byAge = [...this.hours.entries()].filter(([start]) => !this.pins.has(start)).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [start, hour] of byAge) {
      if (total <= this.maxIds) break;
      total -= hour.ids.size;
      this.hours.delete(start);
    }
  }
}
