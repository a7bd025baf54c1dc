import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { idempotentProducerConfig, kafkaClientConfig } from '@pipeline/kafka';
import { PlatformModule } from '@pipeline/platform';
import { CompressionTypes } from 'kafkajs';
import { cachedPartitioner } from '../kafka/cached-partitioner';
import { GeneratorController } from './generator/generator.controller';
import { GeneratorMetrics } from './generator/generator.metrics';
import { GeneratorService, KAFKA_PRODUCER } from './generator/generator.service';
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
      providers: [{ provide: GeneratorConfig, useValue: config }, GeneratorMetrics, GeneratorService],
    };
  }
}
