import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { MetricsController, MetricsRegistry } from './metrics';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';
import { StartupState } from './startup-state';

/** What every app serves for operations: GET /health, GET /health/live, GET /metrics. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: PLATFORM_OPTIONS, useValue: options }, KafkaHealthIndicator, MetricsRegistry, StartupState],
      exports: [MetricsRegistry, PLATFORM_OPTIONS, StartupState],
    };
  }
}
