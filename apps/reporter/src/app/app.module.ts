import { Module, RequestMethod, ValidationPipe, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { PlatformModule } from '@pipeline/platform';
import { ReportStore } from '@pipeline/reporting';
import { createStorageBackend } from '@pipeline/storage';
import { ApiController } from './api/api.controller';
import { RangeResolver } from './api/range-resolver';
import { ChartService } from './charts/chart.service';
import { ChartsController } from './charts/charts.controller';
import { DashboardController } from './dashboard/dashboard.controller';
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
        { provide: ReportStore, useFactory: () => new ReportStore(createStorageBackend(config)) },
        // Query DTOs: unknown parameters are refused, numbers converted, every problem named in the 400.
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }) },
        RangeResolver,
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
