import { eventTimeMillis, type ShopEvent } from '@pipeline/events';
import {
  COMPACTED_PREFIX,
  COMPACTIONS_DIR,
  compactedFileTimeMs,
  compactionFolderKey,
  compactionManifestKey,
  type CompactionManifest,
  hourVisibility,
  isCompactedFile,
  isVisible,
  ManifestCache,
  manifestSequenceOf,
  parseManifest,
  serializeManifest,
  snapshotWithManifests,
  uuidV7,
} from './compaction-visibility';
import { encodeEventIdFile } from './event-id-file';
import { encodeEventsParquet } from './event-parquet';
import { mergePartials, parsePartial, serializePartial } from './hourly-partial';
import { decodeParquet, type ParquetEncodingOptions } from './parquet-codec';
import { PartitionPath } from './partition-path';
import { shopEventFromRow } from './shop-event-from-row';
import type { KeyVersion, StorageBackend } from './storage-backend';
import { EVENTS_DATASET, IDS_DATASET, PARTIALS_DATASET, PENDING_DIR } from './storage-layout';

/**
 * Compaction of closed hours: an hour's many small batch files (at 1 event/s every event is its own file) become one
 * events file (or a few, `maxEventsPerFile` events each), one partial and one id file per events file.
 *
 * One run of an hour, each step safe to crash after (see compaction-visibility for the rule readers apply):
 *   1. list   - a consistent snapshot of the hour's manifests and files; sources = its visible, committed files
 *               (files a pending marker lists are skipped; compacted outputs already full are left alone).
 *   2. write  - the outputs, under new `compacted+<uuidv7>` names: invisible, since no manifest lists them yet.
 *   3. check  - every source is still there, unchanged and not pending (a recovery may have rolled one back).
 *   4. commit - the manifest `compactions/<hour>/<sequence>.json`, created only if absent (`writeIfAbsent`): of two
 *               runs that compacted the same snapshot one commits, the other finds the key taken and drops its outputs.
 *   5. delete - every present file a manifest hides (this run's sources and any a crashed run left).
 *   6. sweep  - outputs no manifest lists (a run that crashed before its commit) once older than `orphanAgeMs`.
 * A re-run after a crash at any point finishes steps 5-6 and compacts what is still visible.
 */

/**
 * A file's events are held as objects while it is encoded. Measured (npm run compact, 384 MB heap cap as the
 * processor has): 100,000 per file peaks at ~420 MB RSS; 250,000 needed 544 MB.
 */
export const DEFAULT_MAX_EVENTS_PER_FILE = 100_000;
export const DEFAULT_COMPACTION_GRACE_MS = 10 * 60_000;
/** An output without a manifest is only an orphan once no live run can still commit it. */
export const DEFAULT_ORPHAN_AGE_MS = 60 * 60_000;
const HOUR_DATASETS = [EVENTS_DATASET, PARTIALS_DATASET, IDS_DATASET] as const;

export type CompactionStep = 'listed' | 'output_written' | 'outputs_written' | 'committed' | 'source_deleted' | 'sources_deleted';

export interface CompactionOptions {
  /** Most events in one compacted file (memory: a file's events are held while it is encoded). */
  maxEventsPerFile?: number;
  parquet?: ParquetEncodingOptions;
  /** Rows sorted by event_time in each output (row groups then have narrow time ranges). Default true. */
  sortByEventTime?: boolean;
  orphanAgeMs?: number;
  now?: () => number;
  /** Test hook run after each step; throwing there is a crash at that point. */
  afterStep?: (step: CompactionStep) => void | Promise<void>;
}

export type HourCompactionOutcome = 'compacted' | 'nothing_to_do' | 'conflict' | 'sources_changed';

export interface HourCompactionResult {
  hour: string;
  outcome: HourCompactionOutcome;
  /** The manifest this run committed, or null. */
  manifest: string | null;
  sources: { events: number; partials: number; ids: number };
  /** Events rewritten into the outputs, and the bytes of event files before and after. */
  events: number;
  sourceEventBytes: number;
  outputEventBytes: number;
  outputs: string[];
  /** Hidden files removed (this run's sources, or those of an earlier run that crashed before deleting them). */
  deleted: string[];
  orphansDeleted: string[];
  durationMs: number;
}

/** The hour's files and manifests as one consistent snapshot. */
interface HourSnapshot {
  hour: PartitionPath;
  files: KeyVersion[];
  manifests: CompactionManifest[];
  manifestKeys: string[];
}

/** What a run would do with a snapshot; pure, shared by compactHour and the scan of compactClosedHours. */
export interface HourPlan {
  eventSources: string[];
  partialSources: string[];
  idSources: string[];
  /** Events in full compacted files kept as they are: the merged partial also covers them. */
  keptEvents: number;
  hiddenPresent: string[];
  orphans: string[];
  /** True when some dataset has two or more files to merge. */
  worthCompacting: boolean;
}

const extensionOf = (key: string) => key.slice(key.lastIndexOf('.') + 1);
const stemOf = (key: string) => {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.slice(0, name.lastIndexOf('.'));
};

export function planHourCompaction(
  keys: readonly string[],
  manifests: readonly CompactionManifest[],
  pending: ReadonlySet<string>,
  { maxEventsPerFile = DEFAULT_MAX_EVENTS_PER_FILE, orphanAgeMs = DEFAULT_ORPHAN_AGE_MS, nowMs = Date.now() } = {},
): HourPlan {
  const visibility = hourVisibility(manifests);
  const outputEvents = new Map<string, number>();
  for (const manifest of manifests) for (const [key, count] of Object.entries(manifest.outputEvents ?? {})) outputEvents.set(key, count);
  const hiddenPresent: string[] = [];
  const orphans: string[] = [];
  const eventSources: string[] = [];
  const partialSources: string[] = [];
  const idCandidates: string[] = [];
  let keptEvents = 0;
  for (const key of keys) {
    if (visibility.hidden.has(key)) {
      hiddenPresent.push(key);
      continue;
    }
    if (!isVisible(key, visibility)) {
      const startedMs = compactedFileTimeMs(key);
      if (startedMs === null || nowMs - startedMs >= orphanAgeMs) orphans.push(key);
      continue;
    }
    if (pending.has(key)) continue;
    const dataset = key.slice(0, key.indexOf('/'));
    const extension = extensionOf(key);
    if (dataset === EVENTS_DATASET && extension === 'parquet') {
      const rows = outputEvents.get(key);
      if (rows !== undefined && rows >= maxEventsPerFile) keptEvents += rows;
      else eventSources.push(key);
    } else if (dataset === PARTIALS_DATASET && extension === 'json') partialSources.push(key);
    else if (dataset === IDS_DATASET && extension === 'ids') idCandidates.push(key);
  }
  // An id file goes with the events file of its batch (same stem): the outputs' id files are rebuilt from the
  // events themselves, so ids of files not compacted (full outputs, pending batches) must stay.
  const eventStems = new Set(eventSources.map(stemOf));
  const idSources = idCandidates.filter((key) => eventStems.has(stemOf(key)));
  const worthCompacting = eventSources.length > 1 || partialSources.length > 1 || idSources.length > 1;
  return { eventSources, partialSources, idSources, keptEvents, hiddenPresent, orphans, worthCompacting };
}

/** Every file a pending marker lists: written by a batch that may still be rolled back. */
export async function pendingBatchFiles(backend: StorageBackend): Promise<Set<string>> {
  const files = new Set<string>();
  for (const key of await backend.list(PENDING_DIR)) {
    if (!key.endsWith('.json')) continue;
    let marker: { files?: unknown };
    try {
      marker = JSON.parse((await backend.read(key)).toString('utf8')) as { files?: unknown };
    } catch (error) {
      if (!(await backend.exists(key))) continue; // settled between the list and the read
      throw error;
    }
    if (Array.isArray(marker.files)) for (const file of marker.files) if (typeof file === 'string') files.add(file);
  }
  return files;
}

async function listHourFiles(backend: StorageBackend, hour: PartitionPath): Promise<KeyVersion[]> {
  const lists = await Promise.all(
    HOUR_DATASETS.map(async (dataset) => {
      const folder = `${dataset}/${hour}`;
      return backend.listVersions ? backend.listVersions(folder) : (await backend.list(folder)).map((key) => ({ key, version: key }));
    }),
  );
  return lists.flat();
}

async function snapshotHour(backend: StorageBackend, hour: PartitionPath, cache: ManifestCache): Promise<HourSnapshot> {
  const { files, manifests, manifestKeys } = await snapshotWithManifests(backend, compactionFolderKey(hour), () => listHourFiles(backend, hour), cache);
  return { hour, files, manifests, manifestKeys };
}

/** Creates `key` only if absent: atomically where the backend can (writeIfAbsent), else check-then-write. */
async function createIfAbsent(backend: StorageBackend, key: string, bytes: Buffer): Promise<boolean> {
  const conditional = backend as StorageBackend & { writeIfAbsent?(key: string, bytes: Uint8Array): Promise<boolean> };
  if (conditional.writeIfAbsent) return conditional.writeIfAbsent(key, bytes);
  // Not atomic: two runs of one hour at the same instant could both commit. Backends of shared stores have writeIfAbsent.
  if (await backend.exists(key)) return false;
  await backend.writeAtomic(key, bytes);
  return true;
}

/** Compacts one hour (see the top of this file). Safe to run again at any time, also after a crash. */
export async function compactHour(
  backend: StorageBackend,
  hour: PartitionPath | string,
  options: CompactionOptions = {},
): Promise<HourCompactionResult> {
  const started = Date.now();
  const partition = typeof hour === 'string' ? PartitionPath.parse(hour) : hour;
  const now = options.now ?? Date.now;
  const maxEventsPerFile = options.maxEventsPerFile ?? DEFAULT_MAX_EVENTS_PER_FILE;
  if (!Number.isInteger(maxEventsPerFile) || maxEventsPerFile < 1) throw new Error(`invalid maxEventsPerFile ${maxEventsPerFile}`);
  const orphanAgeMs = options.orphanAgeMs ?? DEFAULT_ORPHAN_AGE_MS;
  const step = async (name: CompactionStep) => options.afterStep?.(name);
  const cache = new ManifestCache();

  const snapshot = await snapshotHour(backend, partition, cache);
  // Markers are read after the listing: a file listed then was written under a marker written before it, so a
  // marker missing now means that batch is settled (committed, or rolled back and then gone: checked in step 3).
  const pending = await pendingBatchFiles(backend);
  const plan = planHourCompaction(
    snapshot.files.map((f) => f.key),
    snapshot.manifests,
    pending,
    { maxEventsPerFile, orphanAgeMs, nowMs: now() },
  );
  await step('listed');
  const result: HourCompactionResult = {
    hour: String(partition),
    outcome: 'nothing_to_do',
    manifest: null,
    sources: { events: plan.eventSources.length, partials: plan.partialSources.length, ids: plan.idSources.length },
    events: 0,
    sourceEventBytes: 0,
    outputEventBytes: 0,
    outputs: [],
    deleted: [],
    orphansDeleted: [],
    durationMs: 0,
  };
  if (plan.worthCompacting) {
    const committed = await writeAndCommit(backend, snapshot, plan, result, { ...options, maxEventsPerFile }, step);
    if (committed) await step('committed');
  }
  await removeReplacedFiles(backend, partition, cache, result, { orphanAgeMs, nowMs: now() }, step);
  result.durationMs = Date.now() - started;
  return result;
}

async function writeAndCommit(
  backend: StorageBackend,
  snapshot: HourSnapshot,
  plan: HourPlan,
  result: HourCompactionResult,
  options: CompactionOptions & { maxEventsPerFile: number },
  step: (name: CompactionStep) => Promise<void>,
): Promise<boolean> {
  const hour = snapshot.hour;
  const run = uuidV7(options.now?.() ?? Date.now());
  const outputs: string[] = [];
  const outputEvents: Record<string, number> = {};
  try {
    let buffer: ShopEvent[] = [];
    const flush = async () => {
      if (buffer.length === 0) return;
      const events = options.sortByEventTime === false ? buffer : sortByEventTime(buffer);
      buffer = [];
      const stem = `${COMPACTED_PREFIX}${uuidV7(options.now?.() ?? Date.now())}`;
      const eventsKey = `${EVENTS_DATASET}/${hour}/${stem}.parquet`;
      const idsKey = `${IDS_DATASET}/${hour}/${stem}.ids`;
      const bytes = await encodeEventsParquet(events, options.parquet);
      // Listed before written: a crash between the two writes leaves both as orphans of this run.
      outputs.push(eventsKey, idsKey);
      await backend.writeAtomic(eventsKey, bytes);
      await backend.writeAtomic(idsKey, encodeEventIdFile(events.map((e) => e.event_id)));
      outputEvents[eventsKey] = events.length;
      result.outputEventBytes += bytes.length;
      await step('output_written');
    };
    for (const key of plan.eventSources) {
      const bytes = await backend.read(key);
      result.sourceEventBytes += bytes.length;
      for await (const row of decodeParquet(bytes)) {
        buffer.push(shopEventFromRow(row));
        result.events++;
        if (buffer.length >= options.maxEventsPerFile) await flush();
      }
    }
    await flush();

    const partials = await Promise.all(plan.partialSources.map(async (key) => parsePartial(await backend.read(key))));
    const merged = mergePartials(partials, String(hour));
    // Every batch writes its events and their partial together, so both sides must count the same events;
    // a mismatch means a file is missing or foreign, and compacting would make that permanent.
    if (merged.events !== result.events + plan.keptEvents) {
      throw new Error(
        `${hour}: partial files count ${merged.events} events, event files ${result.events + plan.keptEvents}; not compacting`,
      );
    }
    const partialKey = `${PARTIALS_DATASET}/${hour}/${COMPACTED_PREFIX}${run}.json`;
    outputs.push(partialKey);
    await backend.writeAtomic(partialKey, serializePartial(merged));
    await step('outputs_written');

    const sources = [...plan.eventSources, ...plan.partialSources, ...plan.idSources];
    if (!(await sourcesUnchanged(backend, snapshot, sources))) {
      result.outcome = 'sources_changed';
      await removeAll(backend, outputs);
      return false;
    }
    const sequence = Math.max(0, ...snapshot.manifestKeys.map((key) => manifestSequenceOf(key) ?? 0)) + 1;
    const manifestKey = compactionManifestKey(hour, sequence);
    const manifest: CompactionManifest = {
      format: 1,
      hour: String(hour),
      sequence,
      run,
      createdAt: new Date(options.now?.() ?? Date.now()).toISOString(),
      sources,
      outputs,
      outputEvents,
    };
    if (!(await createIfAbsent(backend, manifestKey, serializeManifest(manifest)))) {
      // Another run committed this sequence first: its snapshot may overlap ours, so ours must not commit.
      result.outcome = 'conflict';
      await removeAll(backend, outputs);
      return false;
    }
    result.outcome = 'compacted';
    result.manifest = manifestKey;
    result.outputs = outputs;
    return true;
  } catch (error) {
    // Not committed: the outputs are invisible; remove them now rather than leaving orphans for the sweep.
    await removeAll(backend, outputs).catch(() => undefined);
    throw error;
  }
}

/**
 * Step 3: the sources are still what the snapshot saw and no marker claims one. A source can vanish or change when a
 * crashed writer's batch is rolled back (and maybe rewritten by the replay) while this run was reading.
 */
async function sourcesUnchanged(backend: StorageBackend, snapshot: HourSnapshot, sources: readonly string[]): Promise<boolean> {
  const pendingNow = await pendingBatchFiles(backend);
  if (sources.some((key) => pendingNow.has(key))) return false;
  const now = new Map((await listHourFiles(backend, snapshot.hour)).map((f) => [f.key, f.version]));
  const before = new Map(snapshot.files.map((f) => [f.key, f.version]));
  return sources.every((key) => now.has(key) && now.get(key) === before.get(key));
}

/** Steps 5 and 6 on a fresh snapshot, so files a concurrent run committed meanwhile are never taken for orphans. */
async function removeReplacedFiles(
  backend: StorageBackend,
  hour: PartitionPath,
  cache: ManifestCache,
  result: HourCompactionResult,
  { orphanAgeMs, nowMs }: { orphanAgeMs: number; nowMs: number },
  step: (name: CompactionStep) => Promise<void>,
): Promise<void> {
  const snapshot = await snapshotHour(backend, hour, cache);
  const plan = planHourCompaction(snapshot.files.map((f) => f.key), snapshot.manifests, new Set(), { orphanAgeMs, nowMs });
  for (const key of plan.hiddenPresent) {
    if (await backend.remove(key)) result.deleted.push(key);
    await step('source_deleted');
  }
  if (plan.hiddenPresent.length > 0) await step('sources_deleted');
  for (const key of plan.orphans) if (isCompactedFile(key) && (await backend.remove(key))) result.orphansDeleted.push(key);
}

async function removeAll(backend: StorageBackend, keys: readonly string[]): Promise<void> {
  for (const key of keys) await backend.remove(key);
}

function sortByEventTime(events: ShopEvent[]): ShopEvent[] {
  const times = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) times[i] = eventTimeMillis(events[i].event_time);
  const order = Array.from({ length: events.length }, (_, i) => i);
  // Ties keep their source order (Kafka order within a partition): Array.prototype.sort is stable.
  order.sort((a, b) => times[a] - times[b]);
  return order.map((i) => events[i]);
}

export interface ClosedHoursOptions extends CompactionOptions {
  /** How long after its end an hour is still open for late events. Default 10 minutes. */
  graceMs?: number;
  /** Only hours ending after this (epoch ms); default: every hour of the lake. */
  sinceMs?: number;
}

export interface ClosedHoursResult {
  /** Closed hours that had files to merge or to delete. */
  hours: HourCompactionResult[];
  /** Closed hours found with nothing to do. */
  untouched: number;
  durationMs: number;
}

/**
 * Compacts every closed hour (ended at least `graceMs` ago) that has something to merge or delete, one hour at a time.
 * Which hours need work is decided from one listing of each dataset, so an already compacted lake costs a few lists.
 */
export async function compactClosedHours(backend: StorageBackend, options: ClosedHoursOptions = {}): Promise<ClosedHoursResult> {
  const started = Date.now();
  const nowMs = (options.now ?? Date.now)();
  const graceMs = options.graceMs ?? DEFAULT_COMPACTION_GRACE_MS;
  const cache = new ManifestCache();
  const { files, manifests } = await snapshotWithManifests(backend, COMPACTIONS_DIR, async () =>
    (await Promise.all(HOUR_DATASETS.map((dataset) => backend.list(dataset)))).flat(),
    cache,
  );
  const pending = await pendingBatchFiles(backend);
  const keysByHour = new Map<number, { hour: PartitionPath; keys: string[]; manifests: CompactionManifest[] }>();
  const entryOf = (hour: PartitionPath) => {
    let entry = keysByHour.get(hour.startMs);
    if (!entry) keysByHour.set(hour.startMs, (entry = { hour, keys: [], manifests: [] }));
    return entry;
  };
  for (const key of files) {
    const hour = PartitionPath.tryParse(key);
    if (hour) entryOf(hour).keys.push(key);
  }
  for (const manifest of manifests) {
    const hour = PartitionPath.tryParse(manifest.hour);
    if (hour && keysByHour.has(hour.startMs)) entryOf(hour).manifests.push(manifest);
  }
  const result: ClosedHoursResult = { hours: [], untouched: 0, durationMs: 0 };
  for (const entry of [...keysByHour.values()].sort((a, b) => a.hour.startMs - b.hour.startMs)) {
    if (entry.hour.endMs + graceMs > nowMs) continue;
    if (options.sinceMs !== undefined && entry.hour.endMs <= options.sinceMs) continue;
    const plan = planHourCompaction(entry.keys, entry.manifests, pending, {
      maxEventsPerFile: options.maxEventsPerFile,
      orphanAgeMs: options.orphanAgeMs,
      nowMs,
    });
    if (!plan.worthCompacting && plan.hiddenPresent.length === 0 && plan.orphans.length === 0) {
      result.untouched++;
      continue;
    }
    result.hours.push(await compactHour(backend, entry.hour, options));
  }
  result.durationMs = Date.now() - started;
  return result;
}

/**
 * For a scheduler (e.g. an @nestjs/schedule interval in the processor): a function that compacts the closed hours
 * and returns what it did, or null without doing anything while its previous call is still running.
 */
export function closedHoursCompactionTask(
  backend: StorageBackend,
  options: ClosedHoursOptions = {},
): () => Promise<ClosedHoursResult | null> {
  let running = false;
  return async () => {
    if (running) return null;
    running = true;
    try {
      return await compactClosedHours(backend, options);
    } finally {
      running = false;
    }
  };
}

/** Reads a manifest (tools, tests). */
export async function readCompactionManifest(backend: StorageBackend, key: string): Promise<CompactionManifest> {
  return parseManifest(await backend.read(key), key);
}
