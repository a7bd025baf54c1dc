import { ConflictException, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import {
  ClickstreamSimulation,
  GeneratorRunner,
  isFaultKind,
  RatePacer,
  type GeneratedMessage,
  type GeneratorStats,
  type Rate,
} from '@pipeline/simulation';
import { lastValueFrom } from 'rxjs';
import { parseDuration } from '../../cli/generator-args';
import { GeneratorConfig } from '../generator.config';
import { GeneratorMetrics } from './generator.metrics';

export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/** Wires the framework-free simulation and runner to the Nest Kafka client, REST control and metrics. */
@Injectable()
export class GeneratorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GeneratorService.name);
  private readonly runner: GeneratorRunner;
  private finishedRun: (() => void) | null = null;
  /** Resolves when a run reaches its GENERATOR_COUNT/DURATION limit (not on a stop request). */
  readonly limitReached = new Promise<void>((resolve) => (this.finishedRun = resolve));

  constructor(
    private readonly config: GeneratorConfig,
    private readonly metrics: GeneratorMetrics,
    @Inject(KAFKA_PRODUCER) private readonly kafka: ClientKafka,
  ) {
    const faults = config.faultKinds;
    const unknown = faults.filter((f) => !isFaultKind(f));
    if (unknown.length > 0) throw new Error(`GENERATOR_FAULTS: unknown fault kinds ${unknown.join(', ')}`);
    const simulation = new ClickstreamSimulation({
      seed: config.GENERATOR_SEED,
      startTime: config.GENERATOR_START_TIME ? Date.parse(config.GENERATOR_START_TIME) : undefined,
      catalogSize: config.GENERATOR_CATALOG_SIZE,
      userCount: config.GENERATOR_USERS,
      concurrentSessions: config.GENERATOR_SESSIONS,
      badRatio: config.GENERATOR_BAD_RATIO,
      faultKinds: faults.length > 0 ? faults.filter(isFaultKind) : undefined,
    });
    this.runner = new GeneratorRunner({
      source: simulation,
      pacer: new RatePacer(parseRate(config.GENERATOR_RATE)),
      publish: (batch) => this.publish(batch),
      count: config.GENERATOR_COUNT > 0 ? config.GENERATOR_COUNT : undefined,
      durationMs: config.GENERATOR_DURATION ? parseDuration(config.GENERATOR_DURATION, 'GENERATOR_DURATION') : undefined,
      maxBatchSize: config.GENERATOR_BATCH_SIZE,
      onPublishError: (error) => {
        this.metrics.sendErrors.inc();
        this.logger.warn(`Publish failed, backing off: ${(error as Error).message}`);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect();
    if (this.config.GENERATOR_AUTOSTART) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    const stats = this.runner.stats();
    this.logger.log(`Stopped: ${stats.published} events published, ${stats.failed} failed`);
  }

  status(): GeneratorStats {
    return this.runner.stats();
  }

  start(): GeneratorStats {
    if (this.runner.running) throw new ConflictException('generator is already running');
    const run = this.runner.start();
    this.logger.log(`Generating at ${this.config.GENERATOR_RATE} events/s into ${this.config.EVENTS_TOPIC}`);
    run
      .then(() => {
        const stats = this.runner.stats();
        this.logger.log(`Run ended (${stats.stopReason}): ${stats.published} events published`);
        if (stats.stopReason !== 'stopped') this.finishedRun?.();
      })
      .catch((error: unknown) => this.logger.error(`Run failed: ${(error as Error).message}`));
    return this.runner.stats();
  }

  async stop(): Promise<GeneratorStats> {
    await this.runner.stop();
    return this.runner.stats();
  }

  setRate(rate: Rate): GeneratorStats {
    this.runner.setRate(rate);
    this.metrics.targetRate.set(rate === 'max' ? -1 : rate);
    return this.runner.stats();
  }

  private async publish(batch: GeneratedMessage[]): Promise<void> {
    const stopTimer = this.metrics.sendLatency.startTimer();
    await lastValueFrom(
      this.kafka.emitBatch(this.config.EVENTS_TOPIC, {
        messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      }),
      { defaultValue: undefined },
    );
    stopTimer();
    for (const message of batch) this.metrics.produced.inc({ event_type: message.eventType ?? 'unparseable' });
  }
}

export function parseRate(value: string): Rate {
  return value === 'max' ? 'max' : Number(value);
}
