import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { StartupState } from './startup-state';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly startup: StartupState,
  ) {}

  /** Readiness: 200 only when the app can reach Kafka and has finished starting, 503 otherwise. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.kafka.isHealthy(), () => this.startup.check()]);
  }

  /** Liveness: the process answers; restarting it would not fix a down broker. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
