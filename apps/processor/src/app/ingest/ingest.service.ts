import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { defaultRuleSet, MessageQualityGate, type QualityReport } from '@pipeline/quality';
import type { KafkaBatchMessage } from '@pipeline/kafka';
import {
  batchFileStem,
  listHourPartitions,
  LocalFileSystemBackend,
  PartitionedEventSink,
  PartitionPath,
  rollupHour,
  rollupQualityHour,
  writeQualityBatchReport,
  type ParquetEncodingOptions,
} from '@pipeline/storage';
import type { Producer } from 'kafkajs';
import { ProcessorConfig } from '../processor.config';
import { MicroBatchIngestor, type FlushReport } from './micro-batch-ingestor';
import { ProcessorMetrics } from './processor.metrics';

/** Hours to re-roll at start-up: a crash between a commit and the next rollup leaves at most these stale. */
const STARTUP_ROLLUP_HOURS = 48;

@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly backend: LocalFileSystemBackend;
  private readonly sink: PartitionedEventSink;
  private readonly parquetOptions: ParquetEncodingOptions;
  private ingestor: MicroBatchIngestor | null = null;
  private readonly dirtyHours = new Map<string, PartitionPath>();
  private readonly dirtyQualityHours = new Map<string, PartitionPath>();
  private rollupTimer: NodeJS.Timeout | null = null;
  private rollupRunning: Promise<void> = Promise.resolve();
  private totals = { stored: 0, deadLettered: 0, flushes: 0 };

  constructor(
    private readonly config: ProcessorConfig,
    private readonly metrics: ProcessorMetrics,
  ) {
    this.backend = new LocalFileSystemBackend(config.DATA_DIR);
    this.parquetOptions = { compression: config.PARQUET_COMPRESSION, rowGroupSize: config.PARQUET_ROW_GROUP_SIZE };
    this.sink = new PartitionedEventSink(this.backend, this.parquetOptions);
  }

  async onModuleInit(): Promise<void> {
    const since = Date.now() - STARTUP_ROLLUP_HOURS * 3_600_000;
    for (const hour of await listHourPartitions(this.backend, 'partials', since)) {
      this.dirtyHours.set(hour.toString(), hour);
      this.dirtyQualityHours.set(hour.toString(), hour);
    }
    await this.rollupDirtyHours();
    this.rollupTimer = setInterval(() => void this.scheduleRollup(), this.config.METRICS_ROLLUP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    await this.scheduleRollup();
    this.logger.log(
      `Stopped after ${this.totals.flushes} flushes: ${this.totals.stored} events stored, ${this.totals.deadLettered} dead-lettered`,
    );
  }

  ingest(message: KafkaBatchMessage): Promise<void> {
    this.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    return this.ingestorFor(message.producer).ingest(message);
  }

  private ingestorFor(producer: Producer): MicroBatchIngestor {
    this.ingestor ??= new MicroBatchIngestor({
      sink: {
        recoverPartition: async (topic, partition, committed) => {
          const recovery = await this.sink.recoverPartition(topic, partition, committed);
          if (recovery.outcome !== 'no_pending_batch') {
            this.logger.warn(
              `Recovered ${topic}[${partition}] at offset ${committed}: ${recovery.outcome}, removed ${recovery.removed.length} files of an earlier attempt`,
            );
          }
          return recovery;
        },
        writeBatch: (batch) => this.sink.writeBatch(batch),
        completeBatch: (topic, partition) => this.sink.completeBatch(topic, partition),
        storeQualityReport: (chunk, report) => this.storeQualityReport(chunk, report),
      },
      gate: new MessageQualityGate(defaultRuleSet()),
      maxEvents: this.config.BATCH_MAX_EVENTS,
      sendDeadLetters: async (messages) => {
        await producer.send({ topic: this.config.DLQ_TOPIC, acks: -1, messages });
      },
      onFlushed: (report) => this.recordFlush(report),
    });
    return this.ingestor;
  }

  private async storeQualityReport(
    chunk: { topic: string; partition: number; firstOffset: string; firstTimestampMs: number },
    report: QualityReport,
  ): Promise<string> {
    const hour = PartitionPath.fromEventTime(Number.isFinite(chunk.firstTimestampMs) ? chunk.firstTimestampMs : Date.now());
    await writeQualityBatchReport(this.backend, hour, batchFileStem(chunk.topic, chunk.partition, chunk.firstOffset), report);
    return hour.toString();
  }

  private recordFlush(report: FlushReport): void {
    const labels = { topic: report.topic, partition: String(report.partition) };
    for (const event of report.valid) this.metrics.stored.inc({ event_type: event.event_type });
    for (const letter of report.deadLetters) this.metrics.deadLettered.inc({ reason: letter.reason });
    this.metrics.flushDuration.observe(report.durationMs / 1000);
    this.metrics.filesWritten.inc(report.files.length);
    this.metrics.lag.set(labels, report.lag);
    this.metrics.committedOffset.set(labels, Number(report.lastOffset) + 1);
    this.totals.stored += report.valid.length;
    this.totals.deadLettered += report.deadLetters.length;
    this.totals.flushes += 1;
    for (const hour of report.hours) this.dirtyHours.set(hour, PartitionPath.parse(hour));
    this.dirtyQualityHours.set(report.qualityHour, PartitionPath.parse(report.qualityHour));
    this.metrics.qualityScore.set(report.report.summary.rowWeightedScore);
  }

  /** Serialises rollups: a slow one is never overlapped by the next tick. */
  private scheduleRollup(): Promise<void> {
    this.rollupRunning = this.rollupRunning.then(() => this.rollupDirtyHours());
    return this.rollupRunning;
  }

  private async rollupDirtyHours(): Promise<void> {
    await this.rollupEach(this.dirtyHours, 'metrics', (hour) => rollupHour(this.backend, hour, this.parquetOptions));
    await this.rollupEach(this.dirtyQualityHours, 'quality', (hour) => rollupQualityHour(this.backend, hour));
  }

  private async rollupEach(dirty: Map<string, PartitionPath>, what: string, rollup: (hour: PartitionPath) => Promise<unknown>) {
    const hours = [...dirty.values()];
    dirty.clear();
    for (const hour of hours) {
      try {
        await rollup(hour);
      } catch (error) {
        dirty.set(hour.toString(), hour);
        this.logger.error(`${what} rollup of ${hour.toString()} failed, will retry: ${(error as Error).message}`);
      }
    }
  }
}
