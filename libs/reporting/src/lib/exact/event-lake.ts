import { EVENTS_DATASET, PartitionPath, type KeyVersion, type StorageBackend } from '@pipeline/storage';
import { createHash } from 'node:crypto';

/**
 * The raw event files of the lake (`events/year=…/hour=HH/*.parquet`), listed per hour folder from the
 * storage backend with their versions. A listing is the data version a set of answers is computed from.
 */

/** Where DuckDB can read a stored key: the file itself locally; a fetched copy for a remote backend. */
export type LocalPathOf = (key: string) => Promise<string>;

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
        const prefix = `${EVENTS_DATASET}/${hour}`;
        const files = this.backend.listVersions
          ? await this.backend.listVersions(prefix)
          : // Without versions every listing looks new: nothing is served from a cache.
            (await this.backend.list(prefix)).map((key) => ({ key, version: `unversioned:${Date.now()}:${Math.random()}` }));
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
    return Promise.all(files.map((f) => this.localPathOf(f.key)));
  }
}
