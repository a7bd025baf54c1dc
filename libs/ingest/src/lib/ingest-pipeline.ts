import { defaultRuleSet, MessageQualityGate, type QualityReport, type RuleSet } from '@pipeline/quality';
import {
  batchFileStem,
  DurableEventIdIndex,
  HourlyPartialsMerger,
  listHourPartitions,
  PartitionedEventSink,
  PartitionPath,
  rollupHour,
  type ParquetEncodingOptions,
  type StorageBackend,
} from '@pipeline/storage';
import type { DeadLetterPublisher } from './dead-letter';
import { SILENT_LOGGER, UNCONTESTED_BATCH, type BatchControl, type IngestBatch, type IngestLogger } from './ingest-batch';
import { MicroBatchIngestor, type FlushReport, type QualityReportSink } from './micro-batch-ingestor';
import { rollupQualityHour, writeQualityBatchReport } from './quality-reports';

/**
 * A rollup re-reads every partial of its hours, so its cost grows with the hour. Waiting ROLLUP_DUTY_FACTOR times
 * its duration before the next one keeps rollups under ~1/ROLLUP_DUTY_FACTOR of the processor's time: at high rates
 * the tables lag a little more instead of the rollups eating the ingest.
 */
export const ROLLUP_DUTY_FACTOR = 10;

/** Delay before the next rollup: the configured interval, or longer when the last rollup was slow. */
export function nextRollupDelayMs(intervalMs: number, lastRollupMs: number): number {
  return Math.max(intervalMs, Math.round(lastRollupMs * ROLLUP_DUTY_FACTOR));
}

/** A temp file lives for the milliseconds of one write; one this old was left by a killed writer. */
const STALE_TEMP_FILE_MS = 3_600_000;
/** Hours re-rolled at start-up: a crash between a commit and the next rollup leaves at most these stale. */
const STARTUP_ROLLUP_HOURS = 48;
/** Another instance writing to the same hours can supersede a rollup; a few rounds at shutdown settle it. */
const SHUTDOWN_ROLLUP_ROUNDS = 5;

export interface IngestPipelineOptions {
  backend: StorageBackend;
  deadLetters: DeadLetterPublisher;
  /** Upper bound on events per flushed file set (BATCH_MAX_EVENTS). */
  maxEvents: number;
  parquet?: ParquetEncodingOptions;
  /** Backfill re-runs replace their own files; Kafka ingestion never overwrites stored offsets. */
  replaceExisting?: boolean;
  ruleSet?: RuleSet;
  /** Most event ids the duplicate index holds in memory (ID_INDEX_MAX_IDS); idle hours are read again when needed. */
  idIndexMaxIds?: number;
  /** The clock of the quality rules (freshness, timestamp range) and of the dead letters' failed-at. */
  now?: () => number;
  logger?: IngestLogger;
  onFlushed?: (report: FlushReport) => void;
  /**
   * The name a topic's batches are stored under (default: the topic). After a broker reset offsets start over, so
   * the new cluster's batches get another name (`<topic>.c-<cluster id>`) and never collide with stored ones.
   */
  storageTopic?: (topic: string) => string;
}

/**
 * Everything between a batch of raw messages and the durable dataset, without Kafka or Nest: the quality gate, the
 * exactly-once sink, dead letters, quality reports and the hourly rollups. The processor feeds it Kafka batches, the
 * backfill NDJSON lines, tests and demo data simulated messages: all go through this same path.
 */
export class IngestPipeline implements QualityReportSink {
  readonly backend: StorageBackend;
  private readonly ingestor: MicroBatchIngestor;
  private readonly ruleSet: RuleSet;
  private readonly parquet: ParquetEncodingOptions;
  private readonly now: () => number;
  private readonly logger: IngestLogger;
  private readonly dirtyHours = new Map<string, PartitionPath>();
  private readonly dirtyQualityHours = new Map<string, PartitionPath>();
  private rollupRunning: Promise<void> = Promise.resolve();
  /** Rollups of a busy hour read only its new partial files. */
  private readonly partialsMerger = new HourlyPartialsMerger();
  private rollupTimer: NodeJS.Timeout | null = null;
  private readonly sink: PartitionedEventSink;
  private readonly storedTopic: (topic: string) => string;

  constructor(options: IngestPipelineOptions) {
    this.backend = options.backend;
    this.ruleSet = options.ruleSet ?? defaultRuleSet();
    this.parquet = options.parquet ?? {};
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? SILENT_LOGGER;
    const sink = new PartitionedEventSink(this.backend, this.parquet, { replaceExisting: options.replaceExisting ?? false });
    const stored = options.storageTopic ?? ((topic: string) => topic);
    this.storedTopic = stored;
    this.sink = sink;
    this.ingestor = new MicroBatchIngestor({
      sink: options.storageTopic
        ? {
            recoverPartition: (topic, partition, committed) => sink.recoverPartition(stored(topic), partition, committed),
            writeBatch: (batch) => sink.writeBatch({ ...batch, topic: stored(batch.topic) }),
            isStillPending: (topic, partition, writer) => sink.isStillPending(stored(topic), partition, writer),
            completeBatch: (topic, partition) => sink.completeBatch(stored(topic), partition),
          }
        : sink,
      gate: new MessageQualityGate(this.ruleSet, {
        now: this.now,
        // The lake's own record of stored ids: duplicates are refused after restarts, replays and backfills alike.
        storedIds: new DurableEventIdIndex(this.backend, { maxIds: options.idIndexMaxIds }),
      }),
      qualityReports: this,
      deadLetters: options.deadLetters,
      maxEvents: options.maxEvents,
      now: this.now,
      logger: this.logger,
      onFlushed: (report) => {
        for (const hour of report.hours) this.dirtyHours.set(hour, PartitionPath.parse(hour));
        this.dirtyQualityHours.set(report.qualityHour, PartitionPath.parse(report.qualityHour));
        options.onFlushed?.(report);
      },
    });
  }

  /** Validates, stores and commits a batch (see MicroBatchIngestor); without a control, nobody can take the batch away. */
  ingest(batch: IngestBatch, control: BatchControl = UNCONTESTED_BATCH): Promise<void> {
    return this.ingestor.ingest(batch, control);
  }

  /** Removes what an uncommitted attempt at `offset` may have left (before that offset is skipped as poison). */
  async rollBackPending(topic: string, partition: number, offset: string): Promise<void> {
    await this.sink.recoverPartition(this.storedTopic(topic), partition, offset);
  }

  async storeChunkReport(chunk: { topic: string; partition: number; firstOffset: string; firstTimestampMs: number }, report: QualityReport): Promise<string> {
    const hour = PartitionPath.fromEventTime(Number.isFinite(chunk.firstTimestampMs) ? chunk.firstTimestampMs : this.now());
    await writeQualityBatchReport(this.backend, hour, batchFileStem(this.storedTopic(chunk.topic), chunk.partition, chunk.firstOffset), report);
    return hour.toString();
  }

  /**
   * Start-up of a long-running ingest: rolls up the recent hours (a crash may have left them stale), then every
   * `intervalMs` (longer when rollups are slow) the hours that changed; sweeps old temp files in the background.
   */
  async startRollups(intervalMs: number): Promise<void> {
    await this.markRecentHoursDirty(this.now() - STARTUP_ROLLUP_HOURS * 3_600_000);
    await this.rollup();
    this.scheduleRollup(intervalMs, intervalMs);
    // In the background: it walks the whole store, and nothing waits for it.
    this.sweepStaleTemporaryFiles().catch((error: Error) => this.logger.warn(`Temp file sweep failed: ${error.message}`));
  }

  /** Stops the schedule and rolls up what is left (a few rounds: another instance may supersede a rollup). */
  async stopRollups(): Promise<void> {
    if (this.rollupTimer) clearTimeout(this.rollupTimer);
    this.rollupTimer = null;
    for (let round = 0; round < SHUTDOWN_ROLLUP_ROUNDS; round++) {
      await this.rollup();
      if (this.rolledUp) break;
    }
  }

  private scheduleRollup(delayMs: number, intervalMs: number): void {
    this.rollupTimer = setTimeout(() => {
      const started = Date.now();
      void this.rollup()
        .catch((error: Error) => this.logger.error(`Rollup failed: ${error.message}`))
        .finally(() => {
          if (this.rollupTimer) this.scheduleRollup(nextRollupDelayMs(intervalMs, Date.now() - started), intervalMs);
        });
    }, delayMs);
  }

  /** Removes temp files of writers killed mid-write (older than an hour, so never a live instance's). */
  async sweepStaleTemporaryFiles(): Promise<void> {
    const removed = (await this.backend.removeStaleTemporaryFiles?.(STALE_TEMP_FILE_MS)) ?? [];
    if (removed.length > 0) this.logger.log(`Removed ${removed.length} temp files left by interrupted writes`);
  }

  /** Marks recent hours for a rollup: a crash between a commit and the next rollup leaves at most these stale. */
  async markRecentHoursDirty(sinceMs: number): Promise<void> {
    for (const hour of await listHourPartitions(this.backend, 'partials', sinceMs)) {
      this.dirtyHours.set(hour.toString(), hour);
      this.dirtyQualityHours.set(hour.toString(), hour);
    }
  }

  /** Recomputes the metric tables, then the quality reports, of the hours that changed; runs are serialised. */
  rollup(): Promise<void> {
    this.rollupRunning = this.rollupRunning.then(async () => {
      await this.rollupEach(this.dirtyHours, 'metrics', async (hour) => (await rollupHour(this.backend, hour, this.parquet, this.partialsMerger)).superseded);
      // After the tables: the hour's volume rule reads the stored counts from the summary tables.
      await this.rollupEach(
        this.dirtyQualityHours,
        'quality',
        async (hour) => (await rollupQualityHour(this.backend, hour, { datasetRules: this.ruleSet.dataset })).superseded,
      );
    });
    return this.rollupRunning;
  }

  /** True once no hour is waiting for a rollup. */
  get rolledUp(): boolean {
    return this.dirtyHours.size === 0 && this.dirtyQualityHours.size === 0;
  }

  /** `rollup` answers true when the hour changed under it (another instance wrote to it): it is run again next time. */
  private async rollupEach(dirty: Map<string, PartitionPath>, what: string, rollup: (hour: PartitionPath) => Promise<boolean>) {
    const hours = [...dirty.values()];
    dirty.clear();
    for (const hour of hours) {
      try {
        if (await rollup(hour)) dirty.set(hour.toString(), hour);
      } catch (error) {
        dirty.set(hour.toString(), hour);
        this.logger.error(`${what} rollup of ${hour.toString()} failed, will retry: ${(error as Error).message}`);
      }
    }
  }
}
