import { CommitProgress, CommitProgressCheck, ConsumerRunningCheck, ConsumerSupervisor, type BatchConsumerConfig } from '@pipeline/kafka';
import { StorageWriteHealth, type ReadinessCheck } from '@pipeline/platform';

/**
 * What the Kafka ingest path learns from the broker (and the lake) once it reaches Kafka; not settings. Filled in
 * before the consumer starts (HTTP is up earlier, so /health can say why it is not ready).
 */
export class BrokerFacts {
  /** The DLQ topic's max.message.bytes: dead letters are fitted to it (Kafka's default until read). */
  maxMessageBytes = 1_048_588;
  /** The name the events topic's batches are stored under (see resolveIncarnation in libs/kafka); '' = the topic. */
  storageTopic = '';
}

/** Readiness state shared by the Kafka transport (built before the Nest app) and the app's services. */
export class IngestHealth {
  readonly consumer: ConsumerSupervisor;
  readonly progress: CommitProgress;
  readonly storage = new StorageWriteHealth();

  constructor(config: BatchConsumerConfig) {
    this.consumer = new ConsumerSupervisor({ maxRestarts: config.CONSUMER_MAX_RESTARTS, inactivityMs: config.consumerInactivityMs });
    this.progress = new CommitProgress(config.STALL_TIMEOUT_MS);
  }

  /** /health's checks: the consumer is in its group and consuming, the last write worked, commits move. */
  get readinessChecks(): ReadinessCheck[] {
    return [new ConsumerRunningCheck(this.consumer), this.storage, new CommitProgressCheck(this.progress, this.consumer)];
  }
}
