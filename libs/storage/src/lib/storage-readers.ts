import { parseCsvObjects } from './csv';
import { isMetricTableName, type MetricRow, type MetricTableName, typedMetricRow } from './metric-tables';
import { PartitionPath } from './partition-path';
import type { StorageBackend } from './storage-backend';
import { EVENTS_DATASET, metricTableDataset, metricTableKey, PARTIALS_DATASET } from './storage-layout';

/** A dataset folder with hour partitions: raw events, partials, or one metric table (`metrics/<table>`). */
export type HourDataset = typeof EVENTS_DATASET | typeof PARTIALS_DATASET | `metrics/${MetricTableName}`;

/**
 * The hours that hold at least one file of a dataset, sorted. With a range, keeps the hours that overlap
 * [fromMs, toMs): an hour is in when it starts before toMs and ends after fromMs.
 */
export async function listHourPartitions(
  backend: StorageBackend,
  dataset: HourDataset,
  fromMs?: number,
  toMs?: number,
): Promise<PartitionPath[]> {
  const hours = new Map<number, PartitionPath>();
  for (const key of await backend.list(dataset)) {
    const hour = PartitionPath.tryParse(key.slice(dataset.length + 1));
    if (!hour) continue;
    if (fromMs !== undefined && hour.endMs <= fromMs) continue;
    if (toMs !== undefined && hour.startMs >= toMs) continue;
    hours.set(hour.startMs, hour);
  }
  return [...hours.values()].sort(PartitionPath.compare);
}

/** The rows of one hour of a metric table (from its CSV), typed by column; [] when the hour has none. */
export async function readMetricTable(
  backend: StorageBackend,
  table: MetricTableName,
  hour: PartitionPath | string,
): Promise<MetricRow[]> {
  if (!isMetricTableName(table)) throw new Error(`unknown metric table ${String(table)}`);
  const partition = typeof hour === 'string' ? PartitionPath.parse(hour) : hour;
  const key = metricTableKey(table, partition, 'csv');
  if (!(await backend.exists(key))) return [];
  return parseCsvObjects((await backend.read(key)).toString('utf8')).map((fields) => typedMetricRow(table, fields));
}

/** The rows of a metric table for every hour overlapping [fromMs, toMs), in hour order. */
export async function readMetricRange(
  backend: StorageBackend,
  table: MetricTableName,
  fromMs: number,
  toMs: number,
): Promise<MetricRow[]> {
  const rows: MetricRow[] = [];
  for (const hour of await listHourPartitions(backend, metricTableDataset(table) as HourDataset, fromMs, toMs)) {
    rows.push(...(await readMetricTable(backend, table, hour)));
  }
  return rows;
}
