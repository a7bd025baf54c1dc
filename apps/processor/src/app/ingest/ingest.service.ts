import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { sendDeadLetterRecords, type KafkaBatchMessage, type PoisonMessage } from '@pipeline/kafka';
import { errorCode, probeWritable } from '@pipeline/platform';
import type { Producer } from 'kafkajs';
import { BrokerFacts, ProcessorConfig, ProcessorHealth } from '../processor.config';
import { toDeadLetterMessage, type DeadLetter } from './dead-letter';
import type { FlushReport, MicroBatchIngestor } from './micro-batch-ingestor';
import { ProcessorMetrics } from './processor.metrics';
import { nextRollupDelayMs, StoragePipeline } from './storage-pipeline';

/** Hours re-rolled at start-up: a crash between a commit and the next rollup leaves at most these stale. */
const STARTUP_ROLLUP_HOURS = 48;

/** The processor's Kafka side of StoragePipeline: dead letters through the transport's producer, metrics, rollup timer. */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly pipeline: StoragePipeline;
  private ingestor: MicroBatchIngestor | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private totals = { stored: 0, deadLettered: 0, flushes: 0 };

  constructor(
    private readonly config: ProcessorConfig,
    private readonly metrics: ProcessorMetrics,
    private readonly brokerFacts: BrokerFacts,
    private readonly health: ProcessorHealth,
  ) {
    this.pipeline = new StoragePipeline({
      dataDir: config.DATA_DIR,
      parquet: { compression: config.PARQUET_COMPRESSION, rowGroupSize: config.PARQUET_ROW_GROUP_SIZE },
      maxEvents: config.BATCH_MAX_EVENTS,
      storageTopic: (topic) => (topic === config.EVENTS_TOPIC ? brokerFacts.storageTopic : topic),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.pipeline.markRecentHoursDirty(Date.now() - STARTUP_ROLLUP_HOURS * 3_600_000);
    await this.pipeline.rollup();
    this.scheduleRollup(this.config.METRICS_ROLLUP_MS);
    // In the background: it walks the whole data folder, and nothing waits for it.
    this.pipeline.sweepStaleTemporaryFiles().catch((error: Error) => this.logger.warn(`Temp file sweep failed: ${error.message}`));
  }

  private scheduleRollup(delayMs: number): void {
    this.rollupTimer = setTimeout(() => {
      const started = Date.now();
      void this.pipeline
        .rollup()
        .catch((error: Error) => this.logger.error(`Rollup failed: ${error.message}`))
        .finally(() => {
          if (this.rollupTimer) this.scheduleRollup(nextRollupDelayMs(this.config.METRICS_ROLLUP_MS, Date.now() - started));
        });
    }, delayMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.rollupTimer) clearTimeout(this.rollupTimer);
    this.rollupTimer = null;
    // Another instance writing to the same hours can supersede a rollup; a few rounds settle it.
    for (let round = 0; round < 5; round++) {
      await this.pipeline.rollup();
      if (this.pipeline.rolledUp) break;
    }
    this.logger.log(
      `Stopped after ${this.totals.flushes} flushes: ${this.totals.stored} events stored, ${this.totals.deadLettered} dead-lettered`,
    );
  }

  async ingest(message: KafkaBatchMessage): Promise<void> {
    this.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    try {
      await this.ingestorFor(message.producer).ingest(message);
    } catch (error) {
      await this.noteStorageFailure(error);
      throw error;
    }
  }

  /** A system error (ENOSPC, EROFS, ENOTDIR...) while storing: readiness says so, with the root cause probed. */
  private async noteStorageFailure(error: unknown): Promise<void> {
    if (!errorCode(error)) return;
    const before = this.health.storage.failure;
    this.health.storage.failed(error, await probeWritable(this.config.DATA_DIR));
    if (this.health.storage.failure !== before) this.logger.error(`Storage write failed, batch will be retried: ${this.health.storage.failure}`);
  }

  /** A message that failed its batch every time (BatchServerKafka isolated it): roll back its attempt, dead-letter it. */
  async deadLetterPoison({ batch, message, error }: PoisonMessage): Promise<void> {
    const { topic, partition } = batch.batch;
    await this.pipeline.rollBackPending(topic, partition, message.offset);
    const letter: DeadLetter = {
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
      reason: 'processing_error',
      details: [error],
    };
    await sendDeadLetterRecords(batch.producer, this.config.DLQ_TOPIC, [toDeadLetterMessage(letter, new Date())], this.brokerFacts);
    this.metrics.deadLettered.inc({ reason: letter.reason });
    this.totals.deadLettered += 1;
  }

  private ingestorFor(producer: Producer): MicroBatchIngestor {
    this.ingestor ??= this.pipeline.createIngestor(
      async (messages) => {
        await sendDeadLetterRecords(producer, this.config.DLQ_TOPIC, messages, this.brokerFacts);
      },
      (report) => this.recordFlush(report),
    );
    return this.ingestor;
  }

  private recordFlush(report: FlushReport): void {
    const labels = { topic: report.topic, partition: String(report.partition) };
    // Counted per label, not per event: a flush can hold tens of thousands of events.
    for (const [eventType, n] of countBy(report.valid, (e) => e.event_type)) this.metrics.stored.inc({ event_type: eventType }, n);
    for (const [reason, n] of countBy(report.deadLetters, (d) => d.reason)) this.metrics.deadLettered.inc({ reason }, n);
    this.metrics.flushDuration.observe(report.durationMs / 1000);
    this.metrics.filesWritten.inc(report.files.length);
    this.metrics.lag.set(labels, report.lag);
    this.metrics.committedOffset.set(labels, Number(report.lastOffset) + 1);
    this.metrics.lastCommitTimestamp.set(Date.now() / 1000);
    this.health.progress.committedNow(report.topic, report.partition, String(BigInt(report.lastOffset) + 1n));
    if (this.health.storage.failure) this.logger.log('Storage writes work again');
    this.health.storage.succeeded();
    this.metrics.qualityScore.set(report.report.summary.rowWeightedScore);
    this.totals.stored += report.valid.length;
    this.totals.deadLettered += report.deadLetters.length;
    this.totals.flushes += 1;
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
