import { sendDeadLetterRecords, type KafkaBatchMessage, type PoisonMessage } from '@pipeline/kafka';
import type { StorageBackend } from '@pipeline/storage';
import type { Message, Producer } from 'kafkajs';
import type { DeadLetterRecord } from '../dead-letter';
import type { IngestLogger } from '../ingest-batch';
import { IngestPipeline, type IngestPipelineOptions } from '../ingest-pipeline';
import type { FlushReport } from '../micro-batch-ingestor';
import type { BrokerFacts, IngestHealth } from './ingest-health';
import type { IngestMetrics } from './ingest-metrics';
import { fromKafka, poisonDeadLetter } from './kafka-batch';

export interface KafkaIngestOptions {
  backend: StorageBackend;
  /** The lake's folder when it is local (localStorageFolder): a failed write's root cause is probed there. */
  lakeFolder: string | null;
  eventsTopic: string;
  dlqTopic: string;
  facts: BrokerFacts;
  health: IngestHealth;
  metrics: IngestMetrics;
  logger: IngestLogger;
  pipeline: Pick<IngestPipelineOptions, 'parquet' | 'maxEvents' | 'idIndexMaxIds' | 'now'>;
}

/**
 * The Kafka side of the ingest path, without Nest: BatchServerKafka's batches into the {@link IngestPipeline}, dead
 * letters to the DLQ through the transport's own producer, and readiness (storage, commit progress) and metrics kept
 * up to date with every flush.
 */
export class KafkaIngest {
  readonly pipeline: IngestPipeline;
  readonly totals = { stored: 0, deadLettered: 0, flushes: 0 };
  /** The transport's producer; the same one comes with every batch. */
  private producer: Pick<Producer, 'send'> | null = null;

  constructor(private readonly options: KafkaIngestOptions) {
    const { eventsTopic, facts } = options;
    this.pipeline = new IngestPipeline({
      ...options.pipeline,
      backend: options.backend,
      deadLetters: { publish: (records) => this.sendDeadLetters(records, this.producer) },
      logger: options.logger,
      onFlushed: (report) => this.recordFlush(report),
      // A wiped or replaced broker starts offsets over: its batches are stored under another name (resolveIncarnation).
      storageTopic: (topic) => (topic === eventsTopic && facts.storageTopic ? facts.storageTopic : topic),
    });
  }

  async ingest(message: KafkaBatchMessage): Promise<void> {
    this.options.metrics.consumed.inc({ topic: message.batch.topic }, message.batch.messages.length);
    this.producer = message.producer;
    try {
      await this.pipeline.ingest(...fromKafka(message));
    } catch (error) {
      // A system error (ENOSPC, EROFS...) while storing: readiness says so, with the root cause probed.
      const failure = await this.options.health.storage.noteFailure(error, this.options.lakeFolder);
      if (failure) this.options.logger.error(`Storage write failed, batch will be retried: ${failure}`);
      throw error;
    }
  }

  /** A message that failed its batch every time (BatchServerKafka isolated it): roll back its attempt, dead-letter it. */
  async deadLetterPoison(poison: PoisonMessage): Promise<void> {
    await this.pipeline.rollBackPending(poison.batch.batch.topic, poison.batch.batch.partition, poison.message.offset);
    await this.sendDeadLetters([poisonDeadLetter(poison, new Date())], poison.batch.producer);
    this.options.metrics.deadLettered.inc({ reason: 'processing_error' });
    this.totals.deadLettered += 1;
  }

  private async sendDeadLetters(records: DeadLetterRecord[], producer: Pick<Producer, 'send'> | null): Promise<void> {
    if (!producer) throw new Error('no Kafka producer yet: dead letters only come with a batch, which brings it');
    // Split by size and fitted to the DLQ's max.message.bytes: a dead letter can never stop consumption.
    await sendDeadLetterRecords(producer, this.options.dlqTopic, records as Message[], this.options.facts);
  }

  private recordFlush(report: FlushReport): void {
    const { health, metrics, logger } = this.options;
    metrics.flushed(report);
    health.progress.committedNow(report.topic, report.partition, String(BigInt(report.lastOffset) + 1n));
    if (health.storage.failure) logger.log('Storage writes work again');
    health.storage.succeeded();
    this.totals.stored += report.valid.length;
    this.totals.deadLettered += report.deadLetters.length;
    this.totals.flushes += 1;
  }
}
