import { parseCsvObjects } from './csv';
import { isMetricTableName, type MetricRow, type MetricTableName, typedMetricRow } from './metric-tables';
import { PartitionPath } from './partition-path';
import { readIfExists, type StorageBackend } from './storage-backend';
import { EVENTS_DATASET, metricTableDataset, metricTableKey, PARTIALS_DATASET, QUALITY_DATASET } from './storage-layout';

/** A dataset folder with hour partitions: raw events, partials, quality reports, or one metric table (`metrics/<table>`). */
export type HourDataset = typeof EVENTS_DATASET | typeof PARTIALS_DATASET | typeof QUALITY_DATASET | `metrics/${MetricTableName}`;

/**
 * The hours that hold at least one file of a dataset, sorted. With a range, keeps the hours that overlap
 * [fromMs, toMs): an hour is in when it starts before toMs and ends after fromMs. With `holds`, only hours where
 * one of the listed keys passes it (e.g. the key of the hour's rolled-up report).
 */
export async function listHourPartitions(
  backend: StorageBackend,
  dataset: HourDataset,
  fromMs?: number,
  toMs?: number,
  holds?: (key: string, hour: PartitionPath) => boolean,
): Promise<PartitionPath[]> {
  const hours = new Map<number, PartitionPath>();
  for (const key of await backend.list(dataset)) {
    const hour = PartitionPath.tryParse(key.slice(dataset.length + 1));
    if (!hour || (holds && !holds(key, hour))) continue;
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
  const csv = await readIfExists(backend, metricTableKey(table, partition, 'csv'));
  if (!csv) return [];
  return parseCsvObjects(csv.toString('utf8')).map((fields) => typedMetricRow(table, fields));
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
