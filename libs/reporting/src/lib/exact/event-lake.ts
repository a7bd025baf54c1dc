import { EVENTS_DATASET, listVisibleHourFiles, PartitionPath, type KeyVersion, type StorageBackend } from '@pipeline/storage';
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The raw event files of the lake (`events/year=…/hour=HH/*.parquet`), listed per hour folder from the
 * storage backend with their versions. A listing is the data version a set of answers is computed from.
 */

/** Where DuckDB can read a stored file: the file itself locally; a fetched copy for a remote backend. */
export type LocalPathOf = (file: KeyVersion) => Promise<string>;

/**
 * The LocalPathOf of a backend: a local backend's own path; for any other (S3), a copy fetched once into a cache
 * folder under a name made of the key and its version, so a rewritten object is fetched again and a stale copy is
 * never read. Copies are written to a temp name and renamed, so a concurrent reader never sees half a file.
 */
export function localPathSource(backend: StorageBackend, cacheDir = join(tmpdir(), 'pipeline-reporter-cache')): LocalPathOf {
  const local = backend as StorageBackend & { pathOf?: (key: string) => string };
  if (typeof local.pathOf === 'function') return async (file) => (local.pathOf as (key: string) => string)(file.key);
  const inFlight = new Map<string, Promise<string>>();
  return (file) => {
    const name = `${createHash('sha256').update(`${file.key}\u0000${file.version}`).digest('hex').slice(0, 32)}.parquet`;
    const target = join(cacheDir, name);
    let pending = inFlight.get(target);
    if (!pending) {
      pending = (async () => {
        if (await stat(target).then(() => true, () => false)) return target;
        await mkdir(cacheDir, { recursive: true });
        const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        await writeFile(temp, await backend.read(file.key));
        await rename(temp, target);
        return target;
      })().finally(() => inFlight.delete(target));
      inFlight.set(target, pending);
    }
    return pending;
  };
}

export interface LakeHour {
  hour: PartitionPath;
  /** Raw files of the hour, sorted by key, each with its version (identity, size, mtime locally). */
  files: KeyVersion[];
}

/** The files of a set of hours as listed at one moment. */
export class LakeListing {
  private readonly byStart: Map<number, LakeHour>;
  /** Short hash of every key and version: equal listings, equal data. */
  readonly version: string;

  constructor(hours: readonly LakeHour[]) {
    this.byStart = new Map(hours.map((h) => [h.hour.startMs, h]));
    const hash = createHash('sha256');
    for (const h of [...hours].sort((a, b) => a.hour.startMs - b.hour.startMs)) {
      for (const f of h.files) hash.update(`${f.key}\u0000${f.version}\n`);
    }
    this.version = hash.digest('hex').slice(0, 16);
  }

  filesOf(hourStartMs: number): KeyVersion[] {
    return this.byStart.get(hourStartMs)?.files ?? [];
  }

  /** Hours of the listing that hold at least one file. */
  hoursWithFiles(): number[] {
    return [...this.byStart.values()].filter((h) => h.files.length > 0).map((h) => h.hour.startMs).sort((a, b) => a - b);
  }
}

const isParquet = (key: string) => key.endsWith('.parquet');

export class EventLake {
  constructor(
    readonly backend: StorageBackend,
    readonly localPathOf: LocalPathOf,
  ) {}

  /** The files of each given hour (one listing per hour folder, so only the folders a range touches are read). */
  async listHours(hourStarts: readonly number[]): Promise<LakeListing> {
    const hours = await Promise.all(
      hourStarts.map(async (start) => {
        const hour = PartitionPath.fromEventTime(start);
        // Only the files compaction leaves visible: a compacted file and its sources never count twice.
        const files = await listVisibleHourFiles(this.backend, EVENTS_DATASET, hour);
        return { hour, files: files.filter((f) => isParquet(f.key)) };
      }),
    );
    return new LakeListing(hours);
  }

  /**
   * The newest hour before `beforeMs` that holds a raw file. Probes hour folders backwards from `beforeMs`
   * (one small listing each: cheap when data is recent, as on a live dashboard), then walks the whole folder.
   */
  async newestHourBefore(beforeMs: number, probeHours = 48): Promise<PartitionPath[]> {
    const probed: PartitionPath[] = [];
    for (let hour = PartitionPath.fromEventTime(beforeMs - 1), i = 0; i < probeHours; i++, hour = PartitionPath.fromEventTime(hour.startMs - 1)) {
      if ((await this.backend.list(`${EVENTS_DATASET}/${hour}`)).some(isParquet)) probed.push(hour);
      if (probed.length >= 2) return probed;
    }
    if (probed.length > 0) return probed;
    return (await this.hoursWithEvents()).filter((h) => h.startMs < beforeMs).reverse();
  }

  /** Every hour folder that holds a raw file, sorted (one walk of the events folder). */
  async hoursWithEvents(): Promise<PartitionPath[]> {
    const hours = new Map<number, PartitionPath>();
    for (const key of await this.backend.list(EVENTS_DATASET)) {
      if (!isParquet(key)) continue;
      const hour = PartitionPath.tryParse(key);
      if (hour) hours.set(hour.startMs, hour);
    }
    return [...hours.values()].sort(PartitionPath.compare);
  }

  async localPaths(files: readonly KeyVersion[]): Promise<string[]> {
    return Promise.all(files.map((f) => this.localPathOf(f)));
  }
}
