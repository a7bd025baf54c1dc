import { randomBytes } from 'node:crypto';
import { PartitionPath } from './partition-path';
import type { KeyVersion, StorageBackend } from './storage-backend';

/**
 * Which files of an hour a reader must read once compaction may have run: the one visibility rule of the lake.
 *
 * Compaction of an hour writes its outputs (`<dataset>/<hour>/compacted+<id>.<ext>`, invisible at first), then
 * commits with a manifest `compactions/<hour>/<sequence>.json` listing every key it replaces (`sources`) and
 * every key it wrote (`outputs`), then deletes the sources. So, for every dataset of an hour:
 *  - a key listed as a source by any manifest of the hour is hidden (replaced, whether or not deleted yet);
 *  - a `compacted+…` key is visible only when a manifest lists it as an output (else it is the leftover of a run
 *    that crashed before its commit, an "orphan") and no later manifest lists it as a source;
 *  - every other key is visible.
 * Manifests are never deleted: they keep hiding their sources (a re-delivered or re-backfilled batch that writes a
 * replaced name again stays hidden, since its events are already in the compacted file).
 */

export const COMPACTIONS_DIR = 'compactions';
/** Name prefix of every compaction output; batch files start with a Kafka topic name, which cannot hold '+'. */
export const COMPACTED_PREFIX = 'compacted+';
export const COMPACTION_MANIFEST_FORMAT = 1;

export interface CompactionManifest {
  format: typeof COMPACTION_MANIFEST_FORMAT;
  /** PartitionPath string of the hour. */
  hour: string;
  /** 1, 2, … per hour: the manifest's key. Two runs that compacted the same listing compete for the same key. */
  sequence: number;
  /** Random id of the run (a UUIDv7, so it also says when the run started). */
  run: string;
  createdAt: string;
  /** Every key this compaction replaced: event, partial and id files. Hidden from now on. */
  sources: string[];
  /** Every key it wrote. Visible from now on (until a later manifest lists one as a source). */
  outputs: string[];
  /** Rows of each events output (`events/…/compacted+….parquet`), so a later run knows which are full. */
  outputEvents: Record<string, number>;
}

export function compactionFolderKey(hour: PartitionPath | string): string {
  return `${COMPACTIONS_DIR}/${String(hour)}`;
}

export function compactionManifestKey(hour: PartitionPath | string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`invalid manifest sequence ${sequence}`);
  return `${compactionFolderKey(hour)}/${String(sequence).padStart(6, '0')}.json`;
}

const MANIFEST_NAME = /\/(\d{6,})\.json$/;

/** The sequence number of a manifest key, or null for anything else under compactions/. */
export function manifestSequenceOf(key: string): number | null {
  const match = MANIFEST_NAME.exec(key);
  return match ? Number(match[1]) : null;
}

export function isCompactedFile(key: string): boolean {
  return key.slice(key.lastIndexOf('/') + 1).startsWith(COMPACTED_PREFIX);
}

export function serializeManifest(manifest: CompactionManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8');
}

export function parseManifest(bytes: Uint8Array, key = 'manifest'): CompactionManifest {
  const manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as CompactionManifest;
  if (manifest?.format !== COMPACTION_MANIFEST_FORMAT || !Array.isArray(manifest.sources) || !Array.isArray(manifest.outputs)) {
    throw new Error(`${key} is not a compaction manifest of format ${COMPACTION_MANIFEST_FORMAT}`);
  }
  return manifest;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. The time lets a later run tell an orphan of
 * a crashed run (old) from the outputs of a run still in progress (recent) without any clock of the store. Built
 * here because the uuid package this workspace resolves (8.x) predates v7; node:crypto has only v4.
 */
export function uuidV7(nowMs = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** When the run that wrote a `compacted+<uuidv7>.<ext>` file started (epoch ms), or null for another name. */
export function compactedFileTimeMs(key: string): number | null {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const match = /^compacted\+([0-9a-f]{8})-([0-9a-f]{4})-7/.exec(name);
  return match ? parseInt(match[1] + match[2], 16) : null;
}

/** The keys the manifests hide (their sources) and the compaction outputs they make visible. */
export interface HourVisibility {
  hidden: ReadonlySet<string>;
  committedOutputs: ReadonlySet<string>;
}

export function hourVisibility(manifests: readonly CompactionManifest[]): HourVisibility {
  const hidden = new Set<string>();
  const committedOutputs = new Set<string>();
  for (const manifest of manifests) {
    for (const key of manifest.sources) hidden.add(key);
    for (const key of manifest.outputs) committedOutputs.add(key);
  }
  return { hidden, committedOutputs };
}

export function isVisible(key: string, visibility: HourVisibility): boolean {
  if (visibility.hidden.has(key)) return false;
  return !isCompactedFile(key) || visibility.committedOutputs.has(key);
}

/**
 * THE visibility rule, on a listing of one hour's files (keys or key+version entries, any datasets) and that hour's
 * manifests: keeps what a reader must read, in the given order.
 */
export function visibleHourFiles<T extends string | KeyVersion>(entries: readonly T[], manifests: readonly CompactionManifest[]): T[] {
  const visibility = hourVisibility(manifests);
  return entries.filter((entry) => isVisible(typeof entry === 'string' ? entry : entry.key, visibility));
}

/** Reads manifests by key, once each: they are immutable, so a key read before has the same content now. */
export class ManifestCache {
  private readonly byKey = new Map<string, CompactionManifest>();

  async load(backend: StorageBackend, keys: readonly string[]): Promise<CompactionManifest[]> {
    return Promise.all(
      keys.map(async (key) => {
        let manifest = this.byKey.get(key);
        if (!manifest) this.byKey.set(key, (manifest = parseManifest(await backend.read(key), key)));
        return manifest;
      }),
    );
  }
}

const MAX_SNAPSHOT_ATTEMPTS = 10;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

async function manifestKeys(backend: StorageBackend, prefix: string): Promise<string[]> {
  return (await backend.list(prefix)).filter((key) => manifestSequenceOf(key) !== null);
}

/**
 * A consistent snapshot: lists the manifests, then `listFiles`, then the manifests again, and repeats while a
 * manifest appeared in between. Why: a compaction writes its outputs before its manifest and deletes its sources
 * after it, so a file listing taken while the manifest set stayed the same holds every source of the committed
 * manifests (not deleted yet) and no committed output is missing; listing in one order only can miss both.
 */
export async function snapshotWithManifests<T>(
  backend: StorageBackend,
  manifestPrefix: string,
  listFiles: () => Promise<T>,
  cache = new ManifestCache(),
): Promise<{ files: T; manifests: CompactionManifest[]; manifestKeys: string[] }> {
  let before = await manifestKeys(backend, manifestPrefix);
  for (let attempt = 1; ; attempt++) {
    const files = await listFiles();
    const after = await manifestKeys(backend, manifestPrefix);
    if (sameKeys(before, after)) return { files, manifests: await cache.load(backend, after), manifestKeys: after };
    if (attempt >= MAX_SNAPSHOT_ATTEMPTS) throw new Error(`compaction manifests under ${manifestPrefix} kept changing while listing`);
    before = after;
  }
}

/**
 * The visible files of one hour of a dataset (`events`, `partials`, `ids`), sorted, with versions when the backend
 * lists them (else `version` is the key itself). Readers that build file lists (DuckDB, the reporter's range
 * queries, external engines' helpers) call this instead of listing the hour folder.
 */
export async function listVisibleHourFiles(
  backend: StorageBackend,
  dataset: string,
  hour: PartitionPath | string,
  cache?: ManifestCache,
): Promise<KeyVersion[]> {
  const folder = `${dataset}/${String(hour)}`;
  const { files, manifests } = await snapshotWithManifests(
    backend,
    compactionFolderKey(hour),
    async () => (backend.listVersions ? backend.listVersions(folder) : (await backend.list(folder)).map((key) => ({ key, version: key }))),
    cache,
  );
  return visibleHourFiles(files, manifests);
}

/**
 * Every visible key of a dataset (all hours, or the hours overlapping [fromMs, toMs)), sorted: one listing of the
 * dataset and two of `compactions/`, whatever the number of hours.
 */
export async function listVisibleFiles(
  backend: StorageBackend,
  dataset: string,
  range: { fromMs?: number; toMs?: number } = {},
): Promise<string[]> {
  const { files, manifests } = await snapshotWithManifests(backend, COMPACTIONS_DIR, () => backend.list(dataset));
  const byHour = new Map<string, CompactionManifest[]>();
  for (const manifest of manifests) {
    const list = byHour.get(manifest.hour) ?? [];
    if (list.length === 0) byHour.set(manifest.hour, list);
    list.push(manifest);
  }
  const visibilityOf = new Map<string, HourVisibility>();
  return files.filter((key) => {
    const hour = PartitionPath.tryParse(key.slice(dataset.length + 1));
    if (!hour) return range.fromMs === undefined && range.toMs === undefined;
    if (range.fromMs !== undefined && hour.endMs <= range.fromMs) return false;
    if (range.toMs !== undefined && hour.startMs >= range.toMs) return false;
    const name = String(hour);
    let visibility = visibilityOf.get(name);
    if (!visibility) visibilityOf.set(name, (visibility = hourVisibility(byHour.get(name) ?? [])));
    return isVisible(key, visibility);
  });
}
