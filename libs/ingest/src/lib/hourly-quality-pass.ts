import { createHash } from 'node:crypto';
import {
  closedHourReport,
  datasetFromColumns,
  isClosedHourReportOf,
  mergeReports,
  parseQualityReport,
  REPORT_CSV_COLUMNS,
  reportCsvRows,
  reportToJson,
  type ClosedHourReport,
  type DatasetRule,
  type QualityReport,
} from '@pipeline/quality';
import {
  COMPACTIONS_DIR,
  EVENTS_DATASET,
  hourFolderKey,
  hourlyQualityReportKey,
  hourVisibility,
  isVisible,
  listVisibleHourFiles,
  ManifestCache,
  PartitionPath,
  pendingBatchFiles,
  QUALITY_DATASET,
  readEventRows,
  readIfExists,
  snapshotWithManifests,
  toCsv,
  type CompactionManifest,
  type KeyVersion,
  type StorageBackend,
} from '@pipeline/storage';
import { storedHourVolume } from './quality-reports';

/**
 * The hourly quality pass: once an hour is closed (its end + a grace period for late events has passed) its report
 * becomes the closed-hour report (`closedHourReport` in libs/quality: the dataset rules judged on the hour as stored),
 * written where the hour's report always lives (`quality/<hour>/quality-report.json|csv`), so every reader (the
 * reporter's quality endpoints and dashboard) shows it without change. The report records the hour's content version
 * (a hash of its visible event files and their versions); an hour is judged again whenever that changes (late events,
 * a crash recovery, a compaction) or its report no longer carries it (a batch roll-up rewrote it).
 *
 * Safe with several processors at once: a report is a pure function of the hour's content (generatedAt included), so
 * two passes over the same content write the same bytes, each write is whole (writeAtomic), and a pass that lost a
 * race to newer content leaves a report whose content version differs from the hour's: the next pass rewrites it.
 */

export const DEFAULT_HOURLY_QUALITY_GRACE_MS = 10 * 60_000;

export interface HourlyQualityPassOptions {
  /** The dataset rules to judge (the processor's). */
  datasetRules: readonly DatasetRule[];
  /** How long after its end an hour stays open for late events. Default 10 minutes. */
  graceMs?: number;
  now?: () => number;
}

export type HourOutcome = 'written' | 'current' | 'changed_while_read' | 'pending_batches';

export interface HourlyQualityPassResult {
  /** Closed hours judged (or found in flux) in this run. */
  hours: { hour: string; outcome: HourOutcome; report?: ClosedHourReport }[];
  /** Closed hours whose report already described their content. */
  current: number;
  durationMs: number;
}

/** Content version of an hour: its visible event files and their versions, in key order. */
export function hourContentVersion(files: readonly KeyVersion[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) hash.update(`${file.key}\u0000${file.version}\n`);
  return hash.digest('hex').slice(0, 32);
}

/** A pass over every closed hour (see the top of this file); remembers between runs which reports are current. */
export class HourlyQualityPass {
  /** Per hour: the content version its report was last found or written for, and that report file's version. */
  private readonly known = new Map<string, { contentVersion: string; reportVersion: string | null }>();
  private readonly manifests = new ManifestCache();

  constructor(
    private readonly backend: StorageBackend,
    private readonly options: HourlyQualityPassOptions,
  ) {}

  async run(): Promise<HourlyQualityPassResult> {
    const started = Date.now();
    const nowMs = (this.options.now ?? Date.now)();
    const graceMs = this.options.graceMs ?? DEFAULT_HOURLY_QUALITY_GRACE_MS;
    const closed = [...(await this.visibleEventFilesByHour()).values()].filter((entry) => entry.hour.endMs + graceMs <= nowMs);
    const reportVersions = new Map((await this.listVersions(QUALITY_DATASET)).map((file) => [file.key, file.version]));
    const pending = closed.length > 0 ? await pendingBatchFiles(this.backend) : new Set<string>();
    const result: HourlyQualityPassResult = { hours: [], current: 0, durationMs: 0 };
    for (const { hour, files } of closed.sort((a, b) => a.hour.startMs - b.hour.startMs)) {
      const name = String(hour);
      if (files.some((file) => pending.has(file.key))) {
        result.hours.push({ hour: hour.toIsoString(), outcome: 'pending_batches' }); // a batch may still roll back: next run
        continue;
      }
      const contentVersion = hourContentVersion(files);
      const reportVersion = reportVersions.get(hourlyQualityReportKey(hour, 'json')) ?? null;
      const known = this.known.get(name);
      if (known && known.contentVersion === contentVersion && reportVersion !== null && known.reportVersion === reportVersion) {
        result.current++;
        continue;
      }
      if (reportVersion !== null && isClosedHourReportOf(await this.readReport(hour), contentVersion)) {
        this.known.set(name, { contentVersion, reportVersion });
        result.current++;
        continue;
      }
      const judged = await this.judgeHour(hour, files, contentVersion);
      result.hours.push({ hour: hour.toIsoString(), ...judged });
      // The written report's file version is learnt from the next listing (one read then, none after).
      if (judged.outcome === 'written') this.known.set(name, { contentVersion, reportVersion: null });
    }
    result.durationMs = Date.now() - started;
    return result;
  }

  /** Judges one hour from the files listed and writes its report, unless the hour changed meanwhile. */
  private async judgeHour(hour: PartitionPath, files: readonly KeyVersion[], contentVersion: string): Promise<{ outcome: HourOutcome; report?: ClosedHourReport }> {
    const rules = this.options.datasetRules;
    const wanted = new Set(['event_id', 'event_time', ...rules.flatMap((rule) => rule.columns)]);
    const columns: Record<string, unknown[]> = Object.fromEntries([...wanted].map((name) => [name, []]));
    for (const file of files) {
      try {
        for await (const row of readEventRows(this.backend, file.key)) {
          for (const name of wanted) columns[name].push((row as Record<string, unknown>)[name] ?? null);
        }
      } catch (error) {
        if (await this.backend.exists(file.key)) throw error;
        return { outcome: 'changed_while_read' }; // a compaction replaced it: the next run sees its output
      }
    }
    const report = closedHourReport(rules, {
      hourStartMs: hour.startMs,
      stored: datasetFromColumns(columns),
      ingest: await this.mergedBatchReports(hour),
      trailingHourCounts: (await storedHourVolume(this.backend, hour)).trailingHourCounts,
      contentVersion,
      eventFiles: files.length,
    });
    // Late events that landed while the hour was read: this report would describe an older state; the next run judges
    // the new one (writing it anyway would be harmless too: its content version would not match).
    if (hourContentVersion(await listVisibleHourFiles(this.backend, EVENTS_DATASET, hour, this.manifests).then(eventFilesOnly)) !== contentVersion) {
      return { outcome: 'changed_while_read' };
    }
    await this.backend.writeAtomic(hourlyQualityReportKey(hour, 'json'), Buffer.from(reportToJson(report), 'utf8'));
    await this.backend.writeAtomic(hourlyQualityReportKey(hour, 'csv'), Buffer.from(toCsv(REPORT_CSV_COLUMNS, reportCsvRows(report)), 'utf8'));
    return { outcome: 'written', report };
  }

  /** The hour's batch reports merged: what ingest judged, including the messages it refused. */
  private async mergedBatchReports(hour: PartitionPath): Promise<QualityReport | null> {
    const keys = (await this.backend.list(`${hourFolderKey(QUALITY_DATASET, hour)}/batches`)).filter((key) => key.endsWith('.json'));
    const reports: QualityReport[] = [];
    for (const key of keys) {
      const bytes = await readIfExists(this.backend, key);
      if (bytes) reports.push(parseQualityReport(bytes.toString('utf8')));
    }
    return reports.length > 0 ? mergeReports(reports, { scope: 'hour' }) : null;
  }

  private async readReport(hour: PartitionPath): Promise<QualityReport | null> {
    const bytes = await readIfExists(this.backend, hourlyQualityReportKey(hour, 'json'));
    if (!bytes) return null;
    try {
      return parseQualityReport(bytes.toString('utf8'));
    } catch {
      return null; // unreadable: judge the hour again, which rewrites it
    }
  }

  /** Every hour's visible event files with versions: one listing of `events/` and two of `compactions/`. */
  private async visibleEventFilesByHour(): Promise<Map<string, { hour: PartitionPath; files: KeyVersion[] }>> {
    const { files, manifests } = await snapshotWithManifests(this.backend, COMPACTIONS_DIR, () => this.listVersions(EVENTS_DATASET), this.manifests);
    const manifestsByHour = new Map<string, CompactionManifest[]>();
    for (const manifest of manifests) manifestsByHour.set(manifest.hour, [...(manifestsByHour.get(manifest.hour) ?? []), manifest]);
    const byHour = new Map<string, { hour: PartitionPath; files: KeyVersion[] }>();
    for (const file of eventFilesOnly(files)) {
      const hour = PartitionPath.tryParse(file.key);
      if (!hour) continue;
      const name = String(hour);
      let entry = byHour.get(name);
      if (!entry) byHour.set(name, (entry = { hour, files: [] }));
      entry.files.push(file);
    }
    for (const [name, entry] of byHour) {
      const visibility = hourVisibility(manifestsByHour.get(name) ?? []);
      entry.files = entry.files.filter((file) => isVisible(file.key, visibility));
      if (entry.files.length === 0) byHour.delete(name);
    }
    return byHour;
  }

  private async listVersions(prefix: string): Promise<KeyVersion[]> {
    return this.backend.listVersions ? this.backend.listVersions(prefix) : (await this.backend.list(prefix)).map((key) => ({ key, version: key }));
  }
}

const eventFilesOnly = (files: readonly KeyVersion[]) => files.filter((file) => file.key.endsWith('.parquet'));

/**
 * For a scheduler (an @nestjs/schedule interval in the processor): runs the pass, or returns null at once while the
 * previous run is still going.
 */
export function hourlyQualityPassTask(backend: StorageBackend, options: HourlyQualityPassOptions): () => Promise<HourlyQualityPassResult | null> {
  const pass = new HourlyQualityPass(backend, options);
  let running = false;
  return async () => {
    if (running) return null;
    running = true;
    try {
      return await pass.run();
    } finally {
      running = false;
    }
  };
}
