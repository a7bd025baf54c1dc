import { randomUUID } from 'node:crypto';
import { eventTimeMillis, type ShopEvent } from '@pipeline/events';
import { encodeEventsParquet } from './event-parquet';
import { computePartial, serializePartial } from './hourly-partial';
import type { ParquetEncodingOptions } from './parquet-codec';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { encodeEventIdFile } from './event-id-file';
import {
  batchFileStem,
  eventIdFileKey,
  parseOffset,
  partialFileKey,
  pendingMarkerKey,
  rawEventFileKey,
} from './storage-layout';

export interface EventBatch {
  topic: string;
  partition: number;
  /** Offsets as decimal strings: Kafka offsets are int64. */
  firstOffset: string;
  lastOffset: string;
  /** The valid events of offsets firstOffset..lastOffset in Kafka order (rejected ones went to the DLQ). */
  events: readonly ShopEvent[];
}

export interface PendingMarker {
  format: 1;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** Every key the batch writes; all of them are removed if the batch turns out uncommitted. */
  files: string[];
  createdAt: string;
  /** Random per write: lets the writer check, before it commits, that nobody else has settled its batch. */
  writer?: string;
}

export interface WrittenBatch {
  files: string[];
  /**
   * The `.ids` files among `files`, with their bytes: once the batch is committed, an id index folds these in
   * (DurableEventIdIndex.recordCommitted) instead of parsing every event's id again or reading them back.
   */
  idFiles: Array<{ key: string; bytes: Buffer }>;
  /** PartitionPath strings of the hours the batch touched, sorted: roll these up. */
  hours: string[];
  /** The marker's writer id; pass it to `isStillPending` right before committing. Null when nothing was written. */
  writer: string | null;
}

export interface SinkOptions {
  /**
   * Let a batch replace files that already exist (a backfill re-run, which has no offsets to commit). Off for
   * Kafka: there, an existing file under a batch's name means another writer already stored these offsets.
   */
  replaceExisting?: boolean;
}

/** A batch's files exist already: another writer (e.g. one that lost the partition in a rebalance) stored them. */
export class StaleWriterError extends Error {
  constructor(key: string) {
    super(`refusing to overwrite ${key}: these offsets were already stored by another writer`);
    this.name = 'StaleWriterError';
  }
}

export type RecoveryOutcome = 'no_pending_batch' | 'committed' | 'rolled_back';

export interface RecoveryResult {
  outcome: RecoveryOutcome;
  marker: PendingMarker | null;
  /** Files deleted because their batch was never committed. */
  removed: string[];
  /** Hours whose files changed: roll them up again. */
  hours: string[];
}

export class PendingBatchError extends Error {
  constructor(topic: string, partition: number) {
    super(`a batch of ${topic}[${partition}] is still pending: call completeBatch or recoverPartition first`);
    this.name = 'PendingBatchError';
  }
}

/**
 * Writes Kafka batches as Hive-partitioned Parquet plus per-file partial aggregates, exactly once,
 * the way Kafka Connect's S3 sink does: files are named by topic+partition+first offset, and a file
 * only counts once Kafka has the offset commit that follows it.
 *
 * Protocol, per topic-partition and strictly sequential:
 *   1. writeBatch   - writes the pending marker (the offsets and every file the batch will write),
 *                     then each file atomically.
 *   2. the caller commits lastOffset + 1 to Kafka.
 *   3. completeBatch - deletes the marker.
 *   On partition assignment, before consuming: recoverPartition with the committed offset.
 *
 * Why a marker and not just "a replay rewrites the same names": after a crash the batch is consumed again
 * from the committed offset, but the new batch may end at a different offset (fetch sizes, flush timers),
 * so it can cover fewer hours than the crashed attempt. A file the crashed attempt wrote in another hour
 * folder would never be overwritten, and its events (which are consumed again and written again) would be
 * counted twice. The marker lists exactly those files, so recovery deletes them first.
 *
 * After writeBatch/recoverPartition, roll up the returned hours (MetricsRollup): tables are recomputed from
 * the partial files on storage, never from in-memory counters, so they are right after any crash.
 */
export class PartitionedEventSink {
  constructor(
    private readonly backend: StorageBackend,
    private readonly parquetOptions: ParquetEncodingOptions = {},
    private readonly options: SinkOptions = {},
  ) {}

  async writeBatch(batch: EventBatch): Promise<WrittenBatch> {
    const { topic, partition, firstOffset, lastOffset } = batch;
    const first = parseOffset(firstOffset);
    const last = parseOffset(lastOffset);
    if (last < first) throw new Error(`lastOffset ${lastOffset} is before firstOffset ${firstOffset}`);
    if (BigInt(batch.events.length) > last - first + 1n) {
      throw new Error(`${batch.events.length} events cannot come from offsets ${firstOffset}..${lastOffset}`);
    }
    const markerKey = pendingMarkerKey(topic, partition);
    if (await this.backend.exists(markerKey)) throw new PendingBatchError(topic, partition);

    // Encode everything before touching storage: a bad event then fails the batch with nothing written.
    const stem = batchFileStem(topic, partition, firstOffset);
    const files = await this.encodeFiles(stem, batch.events);
    if (files.length === 0) return { files: [], idFiles: [], hours: [], writer: null };
    if (!this.options.replaceExisting) {
      // Recovery removed whatever an uncommitted attempt left, so a file that exists now is committed data:
      // overwriting it (possibly with fewer events) is how a zombie writer would lose events.
      for (const file of files) if (await this.backend.exists(file.key)) throw new StaleWriterError(file.key);
    }

    const marker: PendingMarker = {
      format: 1,
      topic,
      partition,
      firstOffset: first.toString(),
      lastOffset: last.toString(),
      files: files.map((f) => f.key),
      createdAt: new Date().toISOString(),
      writer: randomUUID(),
    };
    await this.backend.writeAtomic(markerKey, Buffer.from(`${JSON.stringify(marker, null, 2)}\n`, 'utf8'));
    for (const file of files) {
      if (this.options.replaceExisting || !this.backend.writeIfAbsent) {
        await this.backend.writeAtomic(file.key, file.bytes);
      } else if (!(await this.backend.writeIfAbsent(file.key, file.bytes))) {
        // The check above and this write are not one step: a writer that lost the partition in between must still
        // never replace what the new owner committed. A conditional create (S3 If-None-Match, a local link) is.
        throw new StaleWriterError(file.key);
      }
    }
    const idFiles = files.filter((file) => file.key.endsWith('.ids'));
    return { files: marker.files, idFiles, hours: hoursOf(marker.files), writer: marker.writer ?? null };
  }

  /**
   * True while the marker this writer wrote is still in place. Check it right before the offset commit: if another
   * instance took the partition over and settled (deleted) the batch, committing would cover files that are gone.
   */
  async isStillPending(topic: string, partition: number, writer: string): Promise<boolean> {
    const marker = await this.readMarker(pendingMarkerKey(topic, partition));
    return marker?.writer === writer;
  }

  /** After the offset commit succeeded: the batch's files are now final. */
  async completeBatch(topic: string, partition: number): Promise<boolean> {
    return this.backend.remove(pendingMarkerKey(topic, partition));
  }

  /**
   * Settles a batch left pending by a crash (or a failed writeBatch), given the partition's committed offset
   * (the next offset to consume; null when the group has none). Call it before consuming the partition.
   */
  async recoverPartition(topic: string, partition: number, committedOffset: string | null): Promise<RecoveryResult> {
    const markerKey = pendingMarkerKey(topic, partition);
    const marker = await this.readMarker(markerKey);
    if (!marker) return { outcome: 'no_pending_batch', marker: null, removed: [], hours: [] };
    if (marker.topic !== topic || marker.partition !== partition) {
      throw new Error(`pending marker ${markerKey} belongs to ${marker.topic}[${marker.partition}]`);
    }
    const committed = committedOffset === null ? null : parseOffset(committedOffset);
    const first = BigInt(marker.firstOffset);
    const last = BigInt(marker.lastOffset);
    if (committed !== null && committed > last) {
      await this.backend.remove(markerKey);
      return { outcome: 'committed', marker, removed: [], hours: [] };
    }
    if (committed !== null && committed > first) {
      // Only lastOffset + 1 is ever committed for a batch; a commit inside it means another writer committed
      // offsets this batch holds. Deleting would lose events before the commit and keeping would double
      // those after it, so stop rather than guess.
      throw new Error(
        `committed offset ${committedOffset} of ${topic}[${partition}] falls inside pending batch ${marker.firstOffset}..${marker.lastOffset}`,
      );
    }
    const removed: string[] = [];
    for (const key of marker.files) if (await this.backend.remove(key)) removed.push(key);
    // The marker goes last: if we crash before this, the next recovery deletes the same files again.
    await this.backend.remove(markerKey);
    return { outcome: 'rolled_back', marker, removed, hours: hoursOf(marker.files) };
  }

  /** For a writeBatch that failed (no commit happened): removes what it may have written, like a recovery. */
  abortBatch(topic: string, partition: number): Promise<RecoveryResult> {
    return this.recoverPartition(topic, partition, null);
  }

  async pendingMarker(topic: string, partition: number): Promise<PendingMarker | null> {
    return this.readMarker(pendingMarkerKey(topic, partition));
  }

  private async readMarker(key: string): Promise<PendingMarker | null> {
    if (!(await this.backend.exists(key))) return null;
    const marker = JSON.parse((await this.backend.read(key)).toString('utf8')) as PendingMarker;
    if (marker.format !== 1 || !Array.isArray(marker.files)) throw new Error(`unreadable pending marker ${key}`);
    return marker;
  }

  private async encodeFiles(stem: string, events: readonly ShopEvent[]): Promise<Array<{ key: string; bytes: Buffer }>> {
    const byHour = new Map<number, ShopEvent[]>();
    // A batch's events mostly share their hour: one Map lookup per run of them.
    let runStart = NaN;
    let run: ShopEvent[] = [];
    for (const event of events) {
      const startMs = PartitionPath.startOfHour(eventTimeMillis(event.event_time));
      if (startMs !== runStart) {
        runStart = startMs;
        const list = byHour.get(startMs);
        if (list) run = list;
        else byHour.set(startMs, (run = []));
      }
      run.push(event);
    }
    const files: Array<{ key: string; bytes: Buffer }> = [];
    for (const [startMs, hourEvents] of [...byHour.entries()].sort(([a], [b]) => a - b)) {
      const hour = PartitionPath.fromEventTime(startMs);
      // Already split by hour: computeHourlyPartials would parse every event_time again to split them.
      const partial = computePartial(hour, hourEvents);
      files.push({ key: rawEventFileKey(hour, stem), bytes: await encodeEventsParquet(hourEvents, this.parquetOptions) });
      files.push({ key: partialFileKey(hour, stem), bytes: serializePartial(partial) });
      files.push({ key: eventIdFileKey(hour, stem), bytes: encodeEventIdFile(hourEvents.map((e) => e.event_id)) });
    }
    return files;
  }
}

function hoursOf(keys: readonly string[]): string[] {
  const hours = new Map<number, string>();
  for (const key of keys) {
    const hour = PartitionPath.tryParse(key);
    if (hour) hours.set(hour.startMs, String(hour));
  }
  return [...hours.entries()].sort(([a], [b]) => a - b).map(([, h]) => h);
}
