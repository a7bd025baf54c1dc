import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { deadLetterTopicSpec, ensureTopicsOn, eventsTopicSpec, idempotentProducerConfig, kafkaClientConfig } from '@pipeline/kafka';
import { PlatformModule } from '@pipeline/platform';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { cachedPartitioner } from '../kafka/cached-partitioner';
import { GeneratorController } from './generator/generator.controller';
import { GeneratorMetrics } from './generator/generator.metrics';
import { ApiTokenGuard } from './generator/api-token.guard';
import { ENSURE_TOPICS, GeneratorService, KAFKA_PRODUCER, type EnsureTopics } from './generator/generator.service';
import { GeneratorConfig } from './generator.config';

@Module({})
export class AppModule {
  static register(config: GeneratorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'generator', kafkaBrokers: config.brokers }),
        ClientsModule.register([
          {
            name: KAFKA_PRODUCER,
            transport: Transport.KAFKA,
            options: {
              client: kafkaClientConfig('generator', config.brokers),
              // Idempotent + acks=all: a retried send is never written twice, and an acked event survives a broker crash.
              producer: { ...idempotentProducerConfig(), createPartitioner: cachedPartitioner() },
              producerOnlyMode: true,
              send: {
                acks: -1,
                compression: config.KAFKA_COMPRESSION === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
              },
            },
          },
        ]),
      ],
      controllers: [GeneratorController],
      providers: [
        { provide: GeneratorConfig, useValue: config },
        { provide: ENSURE_TOPICS, useValue: ensureTopicsFor(config) },
        GeneratorMetrics,
        GeneratorService,
        ApiTokenGuard,
      ],
    };
  }
}

/**
 * One attempt to create the missing topics, with few retries (~2 s against a refused port, ~10 s against one
 * that never answers): the service repeats it until Kafka answers, instead of kafkajs retrying for a minute.
 */
function ensureTopicsFor(config: GeneratorConfig): EnsureTopics {
  const kafka = new Kafka({
    ...kafkaClientConfig('generator-admin', config.brokers),
    retry: { initialRetryTime: 300, retries: 2 },
    // GeneratorService reports a failed attempt itself, in one line.
    logLevel: logLevel.NOTHING,
  });
  return () =>
    ensureTopicsOn(kafka, [eventsTopicSpec(config.EVENTS_TOPIC, config.TOPIC_PARTITIONS), deadLetterTopicSpec(config.DLQ_TOPIC, config.TOPIC_PARTITIONS)]);
}
