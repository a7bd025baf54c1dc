import { Logger } from '@nestjs/common';
import { defaultRuleSet, MessageQualityGate, type QualityReport } from '@pipeline/quality';
import {
  batchFileStem,
  HourlyPartialsMerger,
  listHourPartitions,
  LocalFileSystemBackend,
  PartitionedEventSink,
  PartitionPath,
  rollupHour,
  rollupQualityHourChecked,
  writeQualityBatchReport,
  type ParquetEncodingOptions,
} from '@pipeline/storage';
import type { Message } from 'kafkajs';
import { MicroBatchIngestor, type FlushReport } from './micro-batch-ingestor';

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

export interface StoragePipelineOptions {
  dataDir: string;
  parquet: ParquetEncodingOptions;
  maxEvents: number;
  /** Backfill re-runs replace their own files; Kafka ingestion never overwrites stored offsets. */
  replaceExisting?: boolean;
  /** Name a topic's batches are stored under (another Kafka cluster's offsets get other names); default the topic. */
  storageTopic?: (topic: string) => string;
}

/**
 * Everything between a batch of raw messages and the durable dataset, without Kafka or Nest: the quality gate,
 * the exactly-once sink, quality reports and the hourly rollups. The processor feeds it Kafka batches, the
 * backfill command NDJSON files: both go through this same path.
 */
export class StoragePipeline {
  private readonly logger = new Logger(StoragePipeline.name);
  readonly backend: LocalFileSystemBackend;
  private readonly sink: PartitionedEventSink;
  private readonly gate = new MessageQualityGate(defaultRuleSet());
  private readonly dirtyHours = new Map<string, PartitionPath>();
  private readonly dirtyQualityHours = new Map<string, PartitionPath>();
  private rollupRunning: Promise<void> = Promise.resolve();
  /** Rollups of a busy hour read only its new partial files. */
  private readonly partialsMerger = new HourlyPartialsMerger();

  constructor(private readonly options: StoragePipelineOptions) {
    this.backend = new LocalFileSystemBackend(options.dataDir);
    this.sink = new PartitionedEventSink(this.backend, options.parquet, { replaceExisting: options.replaceExisting ?? false });
  }

  createIngestor(sendDeadLetters: (messages: Message[]) => Promise<void>, onFlushed: (report: FlushReport) => void): MicroBatchIngestor {
    return new MicroBatchIngestor({
      sink: {
        recoverPartition: async (topic, partition, committed) => {
          const recovery = await this.sink.recoverPartition(this.stored(topic), partition, committed);
          if (recovery.outcome !== 'no_pending_batch') {
            this.logger.warn(
              `Recovered ${topic}[${partition}] at offset ${committed}: ${recovery.outcome}, removed ${recovery.removed.length} files of an earlier attempt`,
            );
          }
          return recovery;
        },
        writeBatch: (batch) => this.sink.writeBatch({ ...batch, topic: this.stored(batch.topic) }),
        completeBatch: (topic, partition) => this.sink.completeBatch(this.stored(topic), partition),
        isStillPending: (topic, partition, writer) => this.sink.isStillPending(this.stored(topic), partition, writer),
        storeQualityReport: (chunk, report) => this.storeQualityReport({ ...chunk, topic: this.stored(chunk.topic) }, report),
      },
      gate: this.gate,
      maxEvents: this.options.maxEvents,
      sendDeadLetters,
      onFlushed: (report) => {
        for (const hour of report.hours) this.dirtyHours.set(hour, PartitionPath.parse(hour));
        this.dirtyQualityHours.set(report.qualityHour, PartitionPath.parse(report.qualityHour));
        onFlushed(report);
      },
    });
  }

  /** Removes what an uncommitted attempt at `offset` may have left (before that offset is skipped as poison). */
  async rollBackPending(topic: string, partition: number, offset: string): Promise<void> {
    await this.sink.recoverPartition(this.stored(topic), partition, offset);
  }

  private stored(topic: string): string {
    return this.options.storageTopic?.(topic) ?? topic;
  }

  /** Removes temp files of writers killed mid-write (older than an hour, so never a live instance's). */
  async sweepStaleTemporaryFiles(): Promise<void> {
    const removed = await this.backend.removeStaleTemporaryFiles(STALE_TEMP_FILE_MS);
    if (removed.length > 0) this.logger.log(`Removed ${removed.length} temp files left by interrupted writes`);
  }

  /** Marks recent hours for a rollup: a crash between a commit and the next rollup leaves at most these stale. */
  async markRecentHoursDirty(sinceMs: number): Promise<void> {
    for (const hour of await listHourPartitions(this.backend, 'partials', sinceMs)) {
      this.dirtyHours.set(hour.toString(), hour);
      this.dirtyQualityHours.set(hour.toString(), hour);
    }
  }

  /** Recomputes the metric tables and quality reports of the hours that changed; runs are serialised. */
  rollup(): Promise<void> {
    this.rollupRunning = this.rollupRunning.then(async () => {
      await this.rollupEach(this.dirtyHours, 'metrics', async (hour) => (await rollupHour(this.backend, hour, this.options.parquet, this.partialsMerger)).superseded);
      await this.rollupEach(this.dirtyQualityHours, 'quality', async (hour) => (await rollupQualityHourChecked(this.backend, hour)).superseded);
    });
    return this.rollupRunning;
  }

  private async storeQualityReport(
    chunk: { topic: string; partition: number; firstOffset: string; firstTimestampMs: number },
    report: QualityReport,
  ): Promise<string> {
    const hour = PartitionPath.fromEventTime(Number.isFinite(chunk.firstTimestampMs) ? chunk.firstTimestampMs : Date.now());
    await writeQualityBatchReport(this.backend, hour, batchFileStem(chunk.topic, chunk.partition, chunk.firstOffset), report);
    return hour.toString();
  }

  /** True once no hour is waiting for a rollup (shutdown runs rollup() until then, a few times at most). */
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
