import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka-health.indicator';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  /** Readiness: 200 only when the app can reach Kafka, 503 otherwise. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.kafka.isHealthy()]);
  }

  /** Liveness: the process answers; restarting it would not fix a down broker. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
