import type { ShopEvent } from '@pipeline/events';
import { decodeEventIdFile, formatPackedId } from '../event-id-file';
import { listVisibleFiles } from '../compaction-visibility';
import { MetricsRollup } from '../metrics-rollup';
import { PartitionedEventSink } from '../partitioned-event-sink';
import type { ParquetEncodingOptions } from '../parquet-codec';
import type { StorageBackend } from '../storage-backend';
import { readEventRowsInRange } from '../visible-event-readers';

/**
 * Writes `events` as committed Kafka-like batches of `batchSize` per partition, each partition with its own offsets,
 * as the processor does, in `parquet`'s encoding. Events go round robin to the partitions, or to `partitionOf(event)`.
 */
export async function writeCommittedBatches(
  backend: StorageBackend,
  events: readonly ShopEvent[],
  {
    topic = 't',
    partitions = 1,
    batchSize = 10,
    firstOffset = 0,
    rollup = false,
    partitionOf = undefined as ((event: ShopEvent, index: number) => number) | undefined,
    parquet = {} as ParquetEncodingOptions,
  } = {},
): Promise<{ batches: number; hours: Set<string> }> {
  const sink = new PartitionedEventSink(backend, parquet);
  const rollups = new MetricsRollup(backend);
  const byPartition: ShopEvent[][] = Array.from({ length: partitions }, () => []);
  events.forEach((event, i) => byPartition[partitionOf ? partitionOf(event, i) : i % partitions].push(event));
  let batches = 0;
  const hours = new Set<string>();
  for (const [partition, list] of byPartition.entries()) {
    for (let start = 0; start < list.length; start += batchSize) {
      const slice = list.slice(start, start + batchSize);
      const first = firstOffset + start;
      const written = await sink.writeBatch({
        topic,
        partition,
        firstOffset: String(first),
        lastOffset: String(first + slice.length - 1),
        events: slice,
      });
      await sink.completeBatch(topic, partition);
      written.hours.forEach((h) => hours.add(h));
      if (rollup) await rollups.rollupHours(written.hours);
      batches++;
    }
  }
  return { batches, hours };
}

/**
 * The cross-checks' lake: like Kafka, each session's events in one partition (by the number in its id), batches of
 * 317 per partition with their own offsets, row groups of 200, metric tables rolled up.
 */
export function writeSessionKeyedLake(backend: StorageBackend, events: readonly ShopEvent[], topic: string, partitions: number) {
  return writeCommittedBatches(backend, events, {
    topic,
    partitions,
    batchSize: 317,
    rollup: true,
    partitionOf: (event) => Number(event.session_id.slice(2)) % partitions,
    parquet: { rowGroupSize: 200 },
  });
}

/** event_id of every visible stored row, duplicates included, sorted. */
export async function visibleEventIds(backend: StorageBackend): Promise<string[]> {
  return (await readEventRowsInRange(backend)).map((row) => String(row['event_id'])).sort();
}

/** Every id of the visible `.ids` files, duplicates included, sorted. */
export async function visibleIdFileIds(backend: StorageBackend): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await listVisibleFiles(backend, 'ids')) {
    const words = decodeEventIdFile(await backend.read(key), key);
    for (let i = 0; i < words.length / 4; i++) ids.push(formatPackedId(words, i));
  }
  return ids.sort();
}

/** Every metric table file (CSV and Parquet) with its bytes, for byte-for-byte comparisons. */
export async function metricFiles(backend: StorageBackend): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const key of await backend.list('metrics')) files.set(key, (await backend.read(key)).toString('base64'));
  return files;
}
