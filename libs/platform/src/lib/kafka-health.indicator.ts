import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka, logLevel } from 'kafkajs';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

/**
 * Readiness includes reaching Kafka: an app that cannot reach the broker cannot do its job.
 * A short-lived admin client per check, with no retries, so a down broker answers within the timeout
 * and a broker that comes back is seen at the next check (a long-lived client would hold a dead socket).
 */
@Injectable()
export class KafkaHealthIndicator {
  private readonly kafka: Kafka;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {
    this.kafka = new Kafka({
      clientId: `${options.serviceName}-health`,
      brokers: options.kafkaBrokers,
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  }

  async isHealthy(key = 'kafka') {
    const indicator = this.health.check(key);
    // One failed probe is retried once with a fresh client before readiness says down: on a loaded machine a single
    // probe can fail inside kafkajs (a metadata answer lost to a timeout) while the broker serves the consumer fine.
    const first = await this.probe();
    const result = 'error' in first ? await this.probe() : first;
    return 'error' in result ? indicator.down({ message: result.error }) : indicator.up(result);
  }

  private async probe(): Promise<{ brokers: number; controller: number | null } | { error: string }> {
    const admin = this.kafka.admin();
    try {
      await withTimeout(admin.connect(), 3_000, 'connect');
      const cluster = await withTimeout(admin.describeCluster(), 3_000, 'describeCluster');
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (error) {
      return { error: (error as Error).message };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka ${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
