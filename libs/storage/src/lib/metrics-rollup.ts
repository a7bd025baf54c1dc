import { listVisibleHourFiles } from './compaction-visibility';
import { emptyPartial, mergePartials, mergePartialsInto, parsePartial, type HourlyPartial } from './hourly-partial';
import { hourlyMetricTables, METRIC_TABLE_NAMES, metricTableCsv, metricTableParquet } from './metric-tables';
import type { ParquetEncodingOptions } from './parquet-codec';
import { PartitionPath } from './partition-path';
import type { KeyVersion, StorageBackend } from './storage-backend';
import { metricTableKey, PARTIALS_DATASET } from './storage-layout';

export interface RollupResult {
  hour: string;
  /** Partial files merged; 0 means the hour has no durable data and its tables were removed. */
  partials: number;
  written: string[];
  removed: string[];
  /**
   * The hour's partial files changed while this rollup ran (another process sharing the storage wrote or
   * recovered a batch): the tables written may lack that change, so the hour must be rolled up again.
   */
  superseded: boolean;
}

/**
 * True when `prefix` no longer lists exactly `keys`. Checked after writing a derived file: of two processes
 * rolling up one hour, the one that finishes last then either saw every input or notices it did not.
 */
export async function listingChanged(backend: StorageBackend, prefix: string, keys: readonly string[], suffix: string): Promise<boolean> {
  const now = (await backend.list(prefix)).filter((k) => k.endsWith(suffix));
  if (now.length !== keys.length) return true;
  const before = new Set(keys);
  return now.some((k) => !before.has(k));
}

/**
 * The merged partial of recent hours and the exact files (key + version) it was merged from, so that a rollup of a
 * busy hour reads only the partials it has not merged yet instead of every partial of the hour each time. If any
 * merged file is gone or has another version (a crash recovery deleted or rewrote it), the hour starts over from
 * all its files. Merging is associative (sums, unions, flag ORs), so merged + new = all merged at once. The new
 * partials are added in place (mergePartialsInto): a rollup of a live hour costs what its new batches hold, not a
 * copy and sort of all the hour's sessions and users.
 */
export class HourlyPartialsMerger {
  private readonly hours = new Map<string, { versions: Map<string, string>; merged: HourlyPartial; users: Set<string> }>();

  constructor(private readonly maxHours = 6) {}

  /**
   * Merges `listing` (the hour's partial files now); `read` is how many files had to be read. `merged` is this
   * merger's own copy, in no particular order (hourlyMetricTables sorts what it lists): read it before the next merge.
   */
  async merge(backend: StorageBackend, hour: string, listing: readonly KeyVersion[]): Promise<{ merged: HourlyPartial; read: number }> {
    const cached = this.hours.get(hour);
    const current = new Map(listing.map((entry) => [entry.key, entry.version]));
    const reusable = cached !== undefined && [...cached.versions].every(([key, version]) => current.get(key) === version);
    const toRead = reusable ? listing.filter((entry) => !cached.versions.has(entry.key)) : listing;
    const fresh = await Promise.all(toRead.map(async (entry) => parsePartial(await backend.read(entry.key))));
    // Out of the cache while merging in place: a merge that throws half-way leaves nothing half-merged behind.
    this.hours.delete(hour);
    const state = reusable ? cached : { versions: current, merged: emptyPartial(hour), users: new Set<string>() };
    mergePartialsInto(state.merged, state.users, fresh);
    state.versions = current;
    // Re-inserted so the Map's order is least recently used first.
    this.hours.set(hour, state);
    for (const oldest of this.hours.keys()) {
      if (this.hours.size <= this.maxHours) break;
      this.hours.delete(oldest);
    }
    return { merged: state.merged, read: fresh.length };
  }
}

/**
 * Recomputes every metric table of one hour from the partial files present in storage, and nothing else.
 * Because the input is only durable files, running it again after any crash, replay or recovery gives the
 * right tables; it is idempotent. With a `merger` (and a backend that lists versions) it reads only partials it
 * has not merged before.
 */
export async function rollupHour(
  backend: StorageBackend,
  hour: PartitionPath | string,
  options: ParquetEncodingOptions = {},
  merger?: HourlyPartialsMerger,
): Promise<RollupResult> {
  const partition = typeof hour === 'string' ? PartitionPath.parse(hour) : hour;
  // Only the partials a reader may see (a compacted hour: its merged partial, not the files it replaced).
  const visiblePartials = async () => (await listVisibleHourFiles(backend, PARTIALS_DATASET, partition)).filter((e) => e.key.endsWith('.json'));
  for (let attempt = 1; ; attempt++) {
    const visible = await visiblePartials();
    try {
      return await rollupListedHour(backend, partition, visible, visiblePartials, options, merger);
    } catch (error) {
      // A compaction that committed after the listing deletes the partials it replaced: list again.
      const vanished = (await Promise.all(visible.map((e) => backend.exists(e.key)))).some((exists) => !exists);
      if (!vanished || attempt >= 5) throw error;
    }
  }
}

async function rollupListedHour(
  backend: StorageBackend,
  partition: PartitionPath,
  visible: KeyVersion[],
  visiblePartials: () => Promise<KeyVersion[]>,
  options: ParquetEncodingOptions,
  merger?: HourlyPartialsMerger,
): Promise<RollupResult> {
  const listing = merger && backend.listVersions ? visible : null;
  const keys = visible.map((e) => e.key);
  const changed = async () => {
    const now = await visiblePartials();
    return now.length !== keys.length || now.some((e, i) => e.key !== keys[i]);
  };
  const result: RollupResult = { hour: String(partition), partials: keys.length, written: [], removed: [], superseded: false };
  if (keys.length === 0) {
    // Recovery can delete the only files of an hour; tables left from them would report uncommitted data.
    for (const table of METRIC_TABLE_NAMES) {
      for (const format of ['csv', 'parquet'] as const) {
        const key = metricTableKey(table, partition, format);
        if (await backend.remove(key)) result.removed.push(key);
      }
    }
    result.superseded = await changed();
    return result;
  }
  const merged =
    merger && listing
      ? (await merger.merge(backend, String(partition), listing)).merged
      : mergePartials(await Promise.all(keys.map(async (key) => parsePartial(await backend.read(key)))), String(partition));
  for (const table of hourlyMetricTables(merged)) {
    const csvKey = metricTableKey(table.name, partition, 'csv');
    const parquetKey = metricTableKey(table.name, partition, 'parquet');
    await backend.writeAtomic(csvKey, Buffer.from(metricTableCsv(table), 'utf8'));
    await backend.writeAtomic(parquetKey, await metricTableParquet(table, options));
    result.written.push(csvKey, parquetKey);
  }
  result.superseded = await changed();
  return result;
}

/**
 * rollupHour with one run at a time per hour in this process. Two partitions flushing into the same hour
 * would otherwise race: a rollup that listed the folder before the other partial landed could finish last
 * and leave tables without it. Serialised, the last rollup to start lists after every earlier write.
 * Processes sharing one storage root cannot be serialised this way: there `superseded` tells the caller to run again.
 */
export class MetricsRollup {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly backend: StorageBackend,
    private readonly options: ParquetEncodingOptions = {},
  ) {}

  rollupHour(hour: PartitionPath | string): Promise<RollupResult> {
    const key = String(hour);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => rollupHour(this.backend, hour, this.options));
    this.queues.set(key, run);
    const forget = () => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  /** Rolls up several hours (e.g. the hours a batch touched), one after another. */
  async rollupHours(hours: Iterable<PartitionPath | string>): Promise<RollupResult[]> {
    const results: RollupResult[] = [];
    for (const hour of new Set([...hours].map(String))) results.push(await this.rollupHour(hour));
    return results;
  }
}
