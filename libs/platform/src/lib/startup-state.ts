import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Readiness of the app's own start-up, for apps that serve HTTP before their work can begin (the processor
 * listens first, so /health can say why it is not ready while it waits for Kafka). Ready unless an app says
 * it is still starting.
 */
@Injectable()
export class StartupState {
  private waitingFor: string | null = null;

  constructor(private readonly health: HealthIndicatorService) {}

  /** Until started(): /health answers 503 with `startup: down, message: <what>`. */
  starting(what: string): void {
    this.waitingFor = what;
  }

  started(): void {
    this.waitingFor = null;
  }

  check(key = 'startup') {
    const indicator = this.health.check(key);
    return this.waitingFor === null ? indicator.up() : indicator.down({ message: this.waitingFor });
  }
}
