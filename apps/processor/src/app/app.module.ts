import { Module, type DynamicModule } from '@nestjs/common';
import { CommitProgressCheck, ConsumerRunningCheck } from '@pipeline/kafka';
import { ScheduleModule } from '@nestjs/schedule';
import { PlatformModule } from '@pipeline/platform';
import { CompactionScheduler } from './ingest/compaction.scheduler';
import { HourlyQualityScheduler } from './ingest/hourly-quality.scheduler';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { ProcessorMetrics } from './ingest/processor.metrics';
import { ConsumerLagService } from './ingest/consumer-lag.service';
import { BrokerFacts, ProcessorConfig, ProcessorHealth } from './processor.config';

@Module({})
export class AppModule {
  static register(config: ProcessorConfig, brokerFacts: BrokerFacts, health: ProcessorHealth): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'processor',
          kafkaBrokers: config.brokers,
          readinessChecks: [new ConsumerRunningCheck(health.consumer), health.storage, new CommitProgressCheck(health.progress, health.consumer)],
        }),
        ScheduleModule.forRoot(),
      ],
      controllers: [IngestController],
      providers: [{ provide: ProcessorConfig, useValue: config }, { provide: BrokerFacts, useValue: brokerFacts },
        { provide: ProcessorHealth, useValue: health },
        ConsumerLagService, ProcessorMetrics, IngestService, CompactionScheduler, HourlyQualityScheduler],
    };
  }
}
