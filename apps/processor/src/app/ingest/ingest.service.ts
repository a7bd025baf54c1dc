import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { IngestPipeline, toDeadLetterMessage, type BatchControl, type DeadLetterRecord, type FlushReport, type IngestBatch } from '@pipeline/ingest';
import { sendDeadLetterRecords, type KafkaBatchMessage, type PoisonMessage } from '@pipeline/kafka';
import { errorCode, probeWritable } from '@pipeline/platform';
import { createStorageBackend, parseStorageUrl, resolveStorageUrl } from '@pipeline/storage';
import type { Message, Producer } from 'kafkajs';
import { BrokerFacts, ProcessorConfig, ProcessorHealth } from '../processor.config';
import { ProcessorMetrics } from './processor.metrics';

/** The processor's wiring of libs/ingest: Kafka batches in, dead letters out through the transport's producer, metrics. */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly pipeline: IngestPipeline;
  /** The transport's producer; the same one comes with every batch. */
  private producer: Producer | null = null;
  private totals = { stored: 0, deadLettered: 0, flushes: 0 };

  constructor(
    private readonly config: ProcessorConfig,
    private readonly metrics: ProcessorMetrics,
    private readonly brokerFacts: BrokerFacts,
    private readonly health: ProcessorHealth,
  ) {
    this.pipeline = new IngestPipeline({
      backend: createStorageBackend(config),
      parquet: { compression: config.PARQUET_COMPRESSION, rowGroupSize: config.PARQUET_ROW_GROUP_SIZE },
      maxEvents: config.BATCH_MAX_EVENTS,
      idIndexMaxIds: config.ID_INDEX_MAX_IDS,
      deadLetters: { publish: (records) => this.sendDeadLetters(records) },
      logger: this.logger,
      onFlushed: (report) => this.recordFlush(report),
      // A wiped or replaced broker starts offsets over: its batches are stored under another name (resolveIncarnation).
      storageTopic: (topic) => (topic === config.EVENTS_TOPIC && brokerFacts.storageTopic ? brokerFacts.storageTopic : topic),
    });
  }

  onModuleInit(): Promise<void> {
    return this.pipeline.startRollups(this.config.METRICS_ROLLUP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.stopRollups();
    this.logger.log(
      `Stopped after ${this.totals.flushes} flushes: ${this.totals.stored} events stored, ${this.totals.deadLettered} dead-lettered`,
    );
  }

  async ingest(message: KafkaBatchMessage): Promise<void> {
    this.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    this.producer = message.producer;
    try {
      await this.pipeline.ingest(...fromKafka(message));
    } catch (error) {
      await this.noteStorageFailure(error);
      throw error;
    }
  }

  /** A system error (ENOSPC, EROFS, ENOTDIR...) while storing: readiness says so, with the root cause probed. */
  private async noteStorageFailure(error: unknown): Promise<void> {
    if (!errorCode(error)) return;
    const before = this.health.storage.failure;
    this.health.storage.failed(error, await probeWritable(localLakeFolder(this.config) ?? '.'));
    if (this.health.storage.failure !== before) this.logger.error(`Storage write failed, batch will be retried: ${this.health.storage.failure}`);
  }

  /** A message that failed its batch every time (BatchServerKafka isolated it): roll back its attempt, dead-letter it. */
  async deadLetterPoison({ batch, message, error }: PoisonMessage): Promise<void> {
    const { topic, partition } = batch.batch;
    await this.pipeline.rollBackPending(topic, partition, message.offset);
    const letter = { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, reason: 'processing_error', details: [error] };
    await sendDeadLetterRecords(batch.producer, this.config.DLQ_TOPIC, [toDeadLetterMessage(letter, new Date()) as Message], this.brokerFacts);
    this.metrics.deadLettered.inc({ reason: letter.reason });
    this.totals.deadLettered += 1;
  }

  private async sendDeadLetters(records: DeadLetterRecord[]): Promise<void> {
    if (!this.producer) throw new Error('no Kafka producer yet: dead letters only come with a batch, which brings it');
    // Split by size and fitted to the DLQ's max.message.bytes: a dead letter can never stop consumption.
    await sendDeadLetterRecords(this.producer, this.config.DLQ_TOPIC, records as Message[], this.brokerFacts);
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

/** kafkajs' eachBatch payload as a plain batch and its group-protocol controls (kafkajs messages fit as they are). */
export function fromKafka(payload: KafkaBatchMessage): [IngestBatch, BatchControl] {
  const { batch } = payload;
  const control: BatchControl = {
    isCurrent: () => payload.isRunning() && !payload.isStale() && payload.isCurrentGeneration(),
    commit: async (nextOffset) => {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] }] });
      payload.resolveOffset((BigInt(nextOffset) - 1n).toString());
    },
    heartbeat: () => payload.heartbeat(),
  };
  const messages = batch.messages;
  const first = messages[0]?.offset ?? batch.firstOffset() ?? '0';
  const last = messages[messages.length - 1]?.offset ?? first;
  return [{ topic: batch.topic, partition: batch.partition, firstOffset: first, lastOffset: last, highWatermark: batch.highWatermark, messages }, control];
}

/** The lake's folder when it is local (for probing why a write failed); null for an object store. */
function localLakeFolder(config: ProcessorConfig): string | null {
  const parsed = parseStorageUrl(resolveStorageUrl(config));
  return 'problem' in parsed || parsed.scheme !== 'file' ? null : parsed.location;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
