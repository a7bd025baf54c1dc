import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@pipeline/platform';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { ProcessorMetrics } from './ingest/processor.metrics';
import { DeadLetterLimits, ProcessorConfig } from './processor.config';

@Module({})
export class AppModule {
  static register(config: ProcessorConfig, deadLetterLimits: DeadLetterLimits): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ serviceName: 'processor', kafkaBrokers: config.brokers })],
      controllers: [IngestController],
      providers: [{ provide: ProcessorConfig, useValue: config }, { provide: DeadLetterLimits, useValue: deadLetterLimits }, ProcessorMetrics, IngestService],
    };
  }
}
