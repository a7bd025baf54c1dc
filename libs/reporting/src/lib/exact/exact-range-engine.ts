import { createHash } from 'node:crypto';
import type { KeyVersion } from '@pipeline/storage';
import { TtlCache } from '../ttl-cache';
import { HOUR_MS, hourStartsOf, type TimeRange } from '../time-range';
import type { DuckDbWindowReader, MinutePoint } from './duckdb-window-reader';
import type { EventLake, LakeListing } from './event-lake';
import { emptyDigest, mergeDigests, totalsOfUnion, type DigestTotals, type WindowDigest } from './window-digest';

/** One hour of a range, clipped to the range: [fromMs, toMs) lies inside the hour starting at hourStartMs. */
export interface HourWindow {
  hourStartMs: number;
  fromMs: number;
  toMs: number;
  digest: WindowDigest;
}

/** Everything a range answer is computed from: one listing of the lake, and a digest per hour of the range. */
export interface RangeDigests {
  range: TimeRange;
  listing: LakeListing;
  hours: HourWindow[];
  /** The figures of the hours together: distinct ids stay distinct across hours. */
  total: DigestTotals;
}

/**
 * The newest windows of a range that are counted against the kept union of the others on every new listing:
 * a live processor adds files to the current hour, and around the turn of the hour to the one before it too.
 */
export const CHANGING_TAIL_WINDOWS = 2;

const EMPTY_DIGEST = emptyDigest();

export interface ExactRangeEngineOptions {
  /** Digests kept (one per hour window and file versions); a 31-day range needs 744. */
  maxCachedWindows?: number;
}

/** The windows of a range, one per hour it overlaps, each clipped to the range. */
export function hourWindowsOf(range: TimeRange): { hourStartMs: number; fromMs: number; toMs: number }[] {
  return hourStartsOf(range).map((start) => ({
    hourStartMs: start,
    fromMs: Math.max(start, range.fromMs),
    toMs: Math.min(start + HOUR_MS, range.toMs),
  }));
}

/**
 * Exact figures of any range from the raw events: DuckDB computes a digest per hour window, cached by the
 * window and the versions of the hour's files, so a changed hour (the live one, or one a late event or a
 * recovery rewrote) is read again and the others come from memory. Nothing can be stale: a digest is only
 * reused for exactly the files it was computed from.
 */
export class ExactRangeEngine {
  private readonly digests: TtlCache<Promise<WindowDigest>>;
  /**
   * The last digest of each window with the file versions it was made from: when a new listing only adds files
   * (what the processor does to the live hour, flush by flush), only the new files are read and merged in.
   */
  private readonly latestByWindow = new TtlCache<{ key: string; versions: Map<string, string>; digest: Promise<WindowDigest> }>({
    maxEntries: 1_500,
    ttlMs: 6 * HOUR_MS,
  });
  /**
   * Unions of a range's windows but its CHANGING_TAIL_WINDOWS newest, by their windows' keys. Each holds the
   * distinct ids of up to a whole range (tens of MB for a busy day), hence few of them.
   */
  private readonly unions = new TtlCache<Promise<WindowDigest>>({ maxEntries: 8, ttlMs: HOUR_MS });
  /** Whole ranges by their windows' keys: a repeated question over unchanged files skips even the counting. */
  private readonly ranges = new TtlCache<Promise<RangeDigests>>({ maxEntries: 64, ttlMs: HOUR_MS });

  constructor(
    readonly lake: EventLake,
    readonly reader: DuckDbWindowReader,
    options: ExactRangeEngineOptions = {},
  ) {
    // Entries never go stale by age (their key holds the file versions); the TTL only frees memory of unused ones.
    this.digests = new TtlCache({ maxEntries: options.maxCachedWindows ?? 1_500, ttlMs: 6 * HOUR_MS });
  }

  /** Lists the hours of `ranges` once: answers computed from the listing share one data version. */
  listFor(ranges: readonly TimeRange[]): Promise<LakeListing> {
    const hours = new Set<number>();
    for (const range of ranges) for (const start of hourStartsOf(range)) hours.add(start);
    return this.lake.listHours([...hours].sort((a, b) => a - b));
  }

  async rangeDigests(range: TimeRange, listing?: LakeListing): Promise<RangeDigests> {
    const lakeListing = listing ?? (await this.listFor([range]));
    const windows = hourWindowsOf(range).map((w) => {
      const files = lakeListing.filesOf(w.hourStartMs);
      return { ...w, files, key: windowKey(files, w.fromMs, w.toMs) };
    });
    const rangeKey = createHash('sha256').update(windows.map((w) => w.key).join(',')).digest('hex');
    const cached = await this.ranges.getOrCreate(rangeKey, async () => {
      const hours = await Promise.all(windows.map(async ({ hourStartMs, fromMs, toMs, files, key }) => ({ hourStartMs, fromMs, toMs, digest: await this.windowDigest(key, files, fromMs, toMs) })));
      // The union of the windows but the newest few is built once and kept by its windows' keys. While the newest
      // hours change (a live processor), their ids are counted against it: nothing of the size of the range is
      // copied per request, only the changed hours are walked.
      const stable = Math.max(0, hours.length - CHANGING_TAIL_WINDOWS);
      const earlier =
        stable === 0
          ? EMPTY_DIGEST
          : await this.unions.getOrCreate(createHash('sha256').update(`earlier\n${windows.slice(0, stable).map((w) => w.key).join(',')}`).digest('hex'), async () =>
              mergeDigests(hours.slice(0, stable).map((h) => h.digest)),
            );
      return { range, listing: lakeListing, hours, total: totalsOfUnion(earlier, hours.slice(stable).map((h) => h.digest)) };
    });
    // The same files, maybe listed with other hours: answer with the caller's listing (its version is the view's).
    return { ...cached, listing: lakeListing };
  }

  /** Per-minute events, orders and revenue of a range, from the same listing as the other answers. */
  async minutes(range: TimeRange, listing: LakeListing): Promise<MinutePoint[]> {
    const files = hourWindowsOf(range).flatMap((w) => listing.filesOf(w.hourStartMs));
    return this.reader.minutes(await this.lake.localPaths(files), range.fromMs, range.toMs);
  }

  private windowDigest(key: string, files: readonly KeyVersion[], fromMs: number, toMs: number): Promise<WindowDigest> {
    return this.digests.getOrCreate(key, () => {
      const windowId = `${fromMs}-${toMs}`;
      const versions = new Map(files.map((f) => [f.key, f.version]));
      const previous = this.latestByWindow.get(windowId);
      const digest = this.digestFrom(previous, versions, files, fromMs, toMs);
      this.latestByWindow.set(windowId, { key, versions, digest });
      // The window's earlier version is superseded (a live hour gets a new one per flush): keeping every version
      // until the cache is full would hold hundreds of copies of the hour. A request still holding the old listing
      // gets it read again.
      if (previous && previous.key !== key) this.digests.delete(previous.key);
      return digest;
    });
  }

  private async digestFrom(
    previous: { versions: Map<string, string>; digest: Promise<WindowDigest> } | undefined,
    versions: Map<string, string>,
    files: readonly KeyVersion[],
    fromMs: number,
    toMs: number,
  ): Promise<WindowDigest> {
    // Files are written once under new names; a rewritten or removed one (a crash recovery) means start over.
    const onlyAdded = previous !== undefined && [...previous.versions].every(([k, v]) => versions.get(k) === v);
    const base = onlyAdded ? await previous.digest.catch(() => null) : null;
    if (!base) return this.reader.digest(await this.lake.localPaths(files), fromMs, toMs);
    const added = files.filter((f) => !previous?.versions.has(f.key));
    return mergeDigests([base, await this.reader.digest(await this.lake.localPaths(added), fromMs, toMs)]);
  }
}

/** A window and the exact versions of its files: equal keys, equal digests. */
function windowKey(files: readonly KeyVersion[], fromMs: number, toMs: number): string {
  const hash = createHash('sha256').update(`${fromMs}-${toMs}\n`);
  for (const f of files) hash.update(`${f.key}\u0000${f.version}\n`);
  return hash.digest('hex');
}
