import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { StartupState } from './startup-state';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';
import type { ReadinessCheck } from './readiness';

/**
 * terminus's default `@HealthCheck()` requires @nestjs/swagger to annotate the endpoints, ~80 ms of start-up CPU in
 * the processor, which publishes no OpenAPI document. The apps that do publish one document these endpoints
 * themselves (documentHealthEndpoints) before building it.
 */
const HEALTH_CHECK_OPTIONS = { noCache: true, swaggerDocumentation: false };

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
  @HealthCheck(HEALTH_CHECK_OPTIONS)
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
  @HealthCheck(HEALTH_CHECK_OPTIONS)
  liveness() {
    return this.health.check([]);
  }
}

/** The OpenAPI responses of the health endpoints, for an app that builds an OpenAPI document (call it before). */
export function documentHealthEndpoints(swagger: Pick<typeof import('@nestjs/swagger'), 'ApiOkResponse' | 'ApiServiceUnavailableResponse'>): void {
  const status = (state: 'ok' | 'error') => ({
    type: 'object',
    properties: {
      status: { type: 'string', example: state },
      info: { type: 'object', description: 'the checks that pass, by name' },
      error: { type: 'object', description: 'the checks that fail, by name, with why' },
      details: { type: 'object', description: 'every check, by name' },
    },
  });
  const responses = [
    swagger.ApiOkResponse({ description: 'Every check passes', schema: status('ok') }),
    swagger.ApiServiceUnavailableResponse({ description: 'A check fails: the app is not really working', schema: status('error') }),
  ];
  for (const method of ['readiness', 'liveness'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, method);
    if (!descriptor) throw new Error(`HealthController.${method} is missing`);
    for (const decorate of responses) decorate(HealthController.prototype, method, descriptor);
  }
}
