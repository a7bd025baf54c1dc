import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { StartupState } from './startup-state';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';
import type { ReadinessCheck } from './readiness';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly startup: StartupState,
    private readonly indicators: HealthIndicatorService,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  /** Readiness: 200 only when the app reaches Kafka, has finished starting and every check of the app passes; 503 otherwise. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([
      () => this.kafka.isHealthy(),
      () => this.startup.check(),
      ...(this.options.readinessChecks ?? []).map((check) => () => this.run(check)),
    ]);
  }

  private async run(check: ReadinessCheck) {
    const indicator = this.indicators.check(check.name);
    try {
      const result = await check.check();
      return result.up ? indicator.up(result.details) : indicator.down(result.details);
    } catch (error) {
      return indicator.down({ message: `check failed: ${(error as Error).message}` });
    }
  }

  /** Liveness: the process answers; restarting it would not fix a down broker. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
