import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BrokerFacts, IngestHealth, IngestMetrics } from '@pipeline/ingest';
import { MetricsRegistry, PlatformModule } from '@pipeline/platform';
import { CompactionScheduler } from './ingest/compaction.scheduler';
import { ConsumerLagService } from './ingest/consumer-lag.service';
import { HourlyQualityScheduler } from './ingest/hourly-quality.scheduler';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { ProcessorConfig } from './processor.config';

@Module({})
export class AppModule {
  static register(config: ProcessorConfig, brokerFacts: BrokerFacts, health: IngestHealth): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'processor', kafkaBrokers: config.brokers, readinessChecks: health.readinessChecks }),
        ScheduleModule.forRoot(),
      ],
      controllers: [IngestController],
      providers: [
        { provide: ProcessorConfig, useValue: config },
        { provide: BrokerFacts, useValue: brokerFacts },
        { provide: IngestHealth, useValue: health },
        { provide: IngestMetrics, useFactory: (registry: MetricsRegistry) => new IngestMetrics(registry), inject: [MetricsRegistry] },
        ConsumerLagService,
        IngestService,
        CompactionScheduler,
        HourlyQualityScheduler,
      ],
    };
  }
}
