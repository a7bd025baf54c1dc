import { Module, RequestMethod, ValidationPipe, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { PlatformModule } from '@pipeline/platform';
import { DuckDbWindowReader, EventLake, ExactReportStore, localPathSource } from '@pipeline/reporting';
import { createStorageBackend } from '@pipeline/storage';
import { ApiController } from './api/api.controller';
import { RangeResolver } from './api/range-resolver';
import { ChartService } from './charts/chart.service';
import { ChartsController } from './charts/charts.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { ProcessorMetricsSampler } from './live/processor-metrics.sampler';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { ReporterMetrics } from './metrics/reporter.metrics';
import { ReporterConfig } from './reporter.config';

@Module({})
export class AppModule implements NestModule {
  static register(config: ReporterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ serviceName: 'reporter', kafkaBrokers: config.brokers }), ScheduleModule.forRoot()],
      controllers: [DashboardController, ApiController, ChartsController],
      providers: [
        { provide: ReporterConfig, useValue: config },
        {
          provide: ExactReportStore,
          useFactory: () => {
            const backend = createStorageBackend(config);
            // DuckDB reads a local lake's files in place and fetched copies of a remote one's (S3).
            const lake = new EventLake(backend, localPathSource(backend));
            return new ExactReportStore(lake, new DuckDbWindowReader({ threads: config.QUERY_THREADS, memoryLimit: config.QUERY_MEMORY_LIMIT }));
          },
        },
        // Query DTOs: unknown parameters are ignored (a link with ?utm_source=… still works), numbers converted,
        // each problem named once in the 400 (the first failing check of each parameter).
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: false, stopAtFirstError: true }) },
        RangeResolver,
        ProcessorMetricsSampler,
        ReporterMetrics,
        ChartService,
        HttpMetricsMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
