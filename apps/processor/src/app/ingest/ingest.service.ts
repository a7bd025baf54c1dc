import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BrokerFacts, IngestHealth, IngestMetrics, KafkaIngest } from '@pipeline/ingest';
import { createStorageBackend, localStorageFolder } from '@pipeline/storage';
import { ProcessorConfig } from '../processor.config';

/** The processor's wiring of libs/ingest's KafkaIngest: settings in, rollups started and stopped with the app. */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  readonly kafka: KafkaIngest;

  constructor(private readonly config: ProcessorConfig, metrics: IngestMetrics, facts: BrokerFacts, health: IngestHealth) {
    this.kafka = new KafkaIngest({
      backend: createStorageBackend(config),
      lakeFolder: localStorageFolder(config),
      eventsTopic: config.EVENTS_TOPIC,
      dlqTopic: config.DLQ_TOPIC,
      facts,
      health,
      metrics,
      logger: this.logger,
      pipeline: { parquet: config.parquet, maxEvents: config.BATCH_MAX_EVENTS, idIndexMaxIds: config.ID_INDEX_MAX_IDS },
    });
  }

  onModuleInit(): Promise<void> {
    return this.kafka.pipeline.startRollups(this.config.METRICS_ROLLUP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.pipeline.stopRollups();
    const { flushes, stored, deadLettered } = this.kafka.totals;
    this.logger.log(`Stopped after ${flushes} flushes: ${stored} events stored, ${deadLettered} dead-lettered`);
  }
}
