import type { PartitionPath } from './partition-path';

/**
 * Where everything lives under the storage root. Keys are forward-slash relative paths so the same
 * layout works on a local disk and as S3 object keys.
 */
export const EVENTS_DATASET = 'events';
export const PARTIALS_DATASET = 'partials';
/** Per batch and hour, the event ids it stored (see event-id-file): the durable duplicate index. */
export const IDS_DATASET = 'ids';
export const METRICS_DATASET = 'metrics';
export const PENDING_DIR = '_pending';
export const QUALITY_DATASET = 'quality';
/** Refused messages of a backfill (the processor sends them to the DLQ topic instead). */
export const DEAD_LETTERS_DIR = 'dead-letters';
export const HOURLY_QUALITY_REPORT = 'quality-report';

const OFFSET_WIDTH = 20; // int64 max is 19 digits; 20 keeps every offset the same width so names sort numerically.
const INT64_MAX = (1n << 63n) - 1n;
// Kafka's own rule for topic names; it also guarantees '+' and '/' never appear in one, so names split cleanly.
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;
const BATCH_FILE_PATTERN = /^([a-zA-Z0-9._-]+)\+(\d+)\+(\d{20})\.(parquet|json|ids)$/;

/** Validates a Kafka offset given as a decimal string (int64 does not fit a JS number) and returns it as bigint. */
export function parseOffset(offset: string): bigint {
  if (!/^\d{1,20}$/.test(offset)) throw new Error(`offset must be a non-negative decimal string, got "${offset}"`);
  const value = BigInt(offset);
  if (value > INT64_MAX) throw new Error(`offset ${offset} exceeds int64`);
  return value;
}

export function padOffset(offset: string): string {
  return parseOffset(offset).toString().padStart(OFFSET_WIDTH, '0');
}

function checkTopicPartition(topic: string, partition: number): void {
  if (!TOPIC_PATTERN.test(topic)) throw new Error(`invalid Kafka topic name "${topic}"`);
  if (!Number.isInteger(partition) || partition < 0) throw new Error(`invalid partition ${partition}`);
}

/** `ecommerce.events+0+00000000000000000042`: the name shared by every file of one flushed batch. */
export function batchFileStem(topic: string, partition: number, firstOffset: string): string {
  checkTopicPartition(topic, partition);
  return `${topic}+${partition}+${padOffset(firstOffset)}`;
}

export interface BatchFileName {
  topic: string;
  partition: number;
  firstOffset: string;
  extension: 'parquet' | 'json' | 'ids';
}

/** Reads topic, partition and first offset back from a raw or partial file name (or a key ending in one). */
export function parseBatchFileName(pathOrName: string): BatchFileName | null {
  const name = pathOrName.slice(pathOrName.lastIndexOf('/') + 1);
  const match = BATCH_FILE_PATTERN.exec(name);
  if (!match) return null;
  return {
    topic: match[1],
    partition: Number(match[2]),
    firstOffset: BigInt(match[3]).toString(),
    extension: match[4] as 'parquet' | 'json' | 'ids',
  };
}

export function rawEventFileKey(hour: PartitionPath, stem: string): string {
  return `${EVENTS_DATASET}/${hour}/${stem}.parquet`;
}

export function partialFileKey(hour: PartitionPath, stem: string): string {
  return `${PARTIALS_DATASET}/${hour}/${stem}.json`;
}

export function eventIdFileKey(hour: PartitionPath, stem: string): string {
  return `${IDS_DATASET}/${hour}/${stem}.ids`;
}

export function pendingMarkerKey(topic: string, partition: number): string {
  checkTopicPartition(topic, partition);
  return `${PENDING_DIR}/${topic}+${partition}.json`;
}

export type MetricFileFormat = 'csv' | 'parquet';

export function metricTableDataset(table: string): string {
  return `${METRICS_DATASET}/${table}`;
}

export function metricTableKey(table: string, hour: PartitionPath, format: MetricFileFormat): string {
  return `${metricTableDataset(table)}/${hour}/${table}.${format}`;
}

export function hourFolderKey(dataset: string, hour: PartitionPath): string {
  return `${dataset}/${hour}`;
}

/**
 * `quality/year=.../hour=HH/batches/<topic>+<partition>+<firstOffset>.json`. The hour is that of the batch's first
 * Kafka message timestamp, which a replay sees again, so a replayed batch overwrites its own report.
 */
export function qualityBatchReportKey(hour: PartitionPath, stem: string): string {
  return `${hourFolderKey(QUALITY_DATASET, hour)}/batches/${stem}.json`;
}

export function hourlyQualityReportKey(hour: PartitionPath, format: 'json' | 'csv'): string {
  return `${hourFolderKey(QUALITY_DATASET, hour)}/${HOURLY_QUALITY_REPORT}.${format}`;
}

/** `dead-letters/<source>/<source>+<partition>+<offset of the first refused message>.ndjson`. */
export function deadLetterFileKey(source: string, partition: number, firstOffset: string): string {
  return `${DEAD_LETTERS_DIR}/${source}/${batchFileStem(source, partition, firstOffset)}.ndjson`;
}
