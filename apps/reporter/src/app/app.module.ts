import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@pipeline/platform';
import { ReporterConfig } from './reporter.config';
import { SummaryController } from './summary/summary.controller';
import { SummaryService } from './summary/summary.service';

@Module({})
export class AppModule {
  static register(config: ReporterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ serviceName: 'reporter', kafkaBrokers: config.brokers })],
      controllers: [SummaryController],
      providers: [{ provide: ReporterConfig, useValue: config }, SummaryService],
    };
  }
}
