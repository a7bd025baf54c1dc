import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { IngestPipeline, type BatchControl, type DeadLetterRecord, type FlushReport, type IngestBatch } from '@pipeline/ingest';
import type { KafkaBatchMessage } from '@pipeline/kafka';
import { createStorageBackend } from '@pipeline/storage';
import type { Producer } from 'kafkajs';
import { ProcessorConfig } from '../processor.config';
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
  ) {
    this.pipeline = new IngestPipeline({
      backend: createStorageBackend(config),
      parquet: { compression: config.PARQUET_COMPRESSION, rowGroupSize: config.PARQUET_ROW_GROUP_SIZE },
      maxEvents: config.BATCH_MAX_EVENTS,
      idIndexMaxIds: config.ID_INDEX_MAX_IDS,
      deadLetters: { publish: (records) => this.sendDeadLetters(records) },
      logger: this.logger,
      onFlushed: (report) => this.recordFlush(report),
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

  ingest(message: KafkaBatchMessage): Promise<void> {
    this.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    this.producer = message.producer;
    return this.pipeline.ingest(...fromKafka(message));
  }

  private async sendDeadLetters(records: DeadLetterRecord[]): Promise<void> {
    if (!this.producer) throw new Error('no Kafka producer yet: dead letters only come with a batch, which brings it');
    await this.producer.send({ topic: this.config.DLQ_TOPIC, acks: -1, messages: records });
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

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
