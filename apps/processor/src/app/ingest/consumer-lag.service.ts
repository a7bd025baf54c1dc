import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { IngestHealth, IngestMetrics } from '@pipeline/ingest';
import { ConsumerGroupLag, quietKafkaClientConfig } from '@pipeline/kafka';
import { Kafka } from 'kafkajs';
import { ProcessorConfig } from '../processor.config';

/** Reads the group's real lag from the broker every LAG_POLL_MS (ConsumerGroupLag) into the metrics and the stall check. */
@Injectable()
export class ConsumerLagService implements OnApplicationShutdown {
  private readonly lag: ConsumerGroupLag;

  constructor(private readonly config: ProcessorConfig, health: IngestHealth, metrics: IngestMetrics) {
    this.lag = new ConsumerGroupLag({
      // A failed poll is reported by ConsumerGroupLag and tried again at the next one.
      admin: new Kafka(quietKafkaClientConfig('processor-lag', config.brokers)).admin(),
      groupId: config.CONSUMER_GROUP,
      topic: config.EVENTS_TOPIC,
      progress: health.progress,
      onSamples: (samples) => metrics.groupProgress(samples, health.progress.lastCommitAtMs),
      logger: new Logger(ConsumerLagService.name),
    });
  }

  /** Once the consumer started: its topics exist, and Kafka answered. */
  start(): void {
    this.lag.start(this.config.LAG_POLL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.lag.stop();
  }
}
