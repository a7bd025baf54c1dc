import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BrokerFacts, fromKafka, IngestHealth, IngestMetrics, IngestPipeline, poisonDeadLetter, type DeadLetterRecord, type FlushReport } from '@pipeline/ingest';
import { sendDeadLetterRecords, type KafkaBatchMessage, type PoisonMessage } from '@pipeline/kafka';
import { createStorageBackend, localStorageFolder } from '@pipeline/storage';
import type { Message, Producer } from 'kafkajs';
import { ProcessorConfig } from '../processor.config';

/** The processor's wiring of libs/ingest: Kafka batches in, dead letters out through the transport's producer, metrics. */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly pipeline: IngestPipeline;
  private readonly lakeFolder: string | null;
  /** The transport's producer; the same one comes with every batch. */
  private producer: Producer | null = null;
  private totals = { stored: 0, deadLettered: 0, flushes: 0 };

  constructor(
    private readonly config: ProcessorConfig,
    private readonly metrics: IngestMetrics,
    private readonly brokerFacts: BrokerFacts,
    private readonly health: IngestHealth,
  ) {
    this.lakeFolder = localStorageFolder(config);
    this.pipeline = new IngestPipeline({
      backend: createStorageBackend(config),
      parquet: config.parquet,
      maxEvents: config.BATCH_MAX_EVENTS,
      idIndexMaxIds: config.ID_INDEX_MAX_IDS,
      deadLetters: { publish: (records) => this.sendDeadLetters(records, this.producer) },
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
    this.logger.log(`Stopped after ${this.totals.flushes} flushes: ${this.totals.stored} events stored, ${this.totals.deadLettered} dead-lettered`);
  }

  async ingest(message: KafkaBatchMessage): Promise<void> {
    this.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    this.producer = message.producer;
    try {
      await this.pipeline.ingest(...fromKafka(message));
    } catch (error) {
      // A system error (ENOSPC, EROFS...) while storing: readiness says so, with the root cause probed.
      const failure = await this.health.storage.noteFailure(error, this.lakeFolder);
      if (failure) this.logger.error(`Storage write failed, batch will be retried: ${failure}`);
      throw error;
    }
  }

  /** A message that failed its batch every time (BatchServerKafka isolated it): roll back its attempt, dead-letter it. */
  async deadLetterPoison(poison: PoisonMessage): Promise<void> {
    await this.pipeline.rollBackPending(poison.batch.batch.topic, poison.batch.batch.partition, poison.message.offset);
    await this.sendDeadLetters([poisonDeadLetter(poison, new Date())], poison.batch.producer);
    this.metrics.deadLettered.inc({ reason: 'processing_error' });
    this.totals.deadLettered += 1;
  }

  private async sendDeadLetters(records: DeadLetterRecord[], producer: Producer | null): Promise<void> {
    if (!producer) throw new Error('no Kafka producer yet: dead letters only come with a batch, which brings it');
    // Split by size and fitted to the DLQ's max.message.bytes: a dead letter can never stop consumption.
    await sendDeadLetterRecords(producer, this.config.DLQ_TOPIC, records as Message[], this.brokerFacts);
  }

  private recordFlush(report: FlushReport): void {
    this.metrics.flushed(report);
    this.health.progress.committedNow(report.topic, report.partition, String(BigInt(report.lastOffset) + 1n));
    if (this.health.storage.failure) this.logger.log('Storage writes work again');
    this.health.storage.succeeded();
    this.totals.stored += report.valid.length;
    this.totals.deadLettered += report.deadLetters.length;
    this.totals.flushes += 1;
  }
}
