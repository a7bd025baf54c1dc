import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import {
  abortableSleep,
  ClickstreamSimulation,
  GeneratorRunner,
  isFaultKind,
  RatePacer,
  type GeneratedMessage,
  type GeneratorStats,
  type Rate,
} from '@pipeline/simulation';
import { StartupState } from '@pipeline/platform';
import { lastValueFrom } from 'rxjs';
import { parseDuration } from '../../cli/generator-args';
import { GeneratorConfig } from '../generator.config';
import { GeneratorMetrics } from './generator.metrics';

export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
/** Creates the topics when missing; rejects while Kafka cannot be reached. */
export const ENSURE_TOPICS = Symbol('ENSURE_TOPICS');
export type EnsureTopics = () => Promise<unknown>;

/** Waits between attempts to reach Kafka at start-up: from the first to the last, doubling. */
export const KAFKA_RETRY_FIRST_MS = 1_000;
export const KAFKA_RETRY_MAX_MS = 10_000;

/** Wires the framework-free simulation and runner to the Nest Kafka client, REST control and metrics. */
@Injectable()
export class GeneratorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GeneratorService.name);
  private readonly runner: GeneratorRunner;
  private finishedRun: (() => void) | null = null;
  /** Resolves when a run reaches its GENERATOR_COUNT/DURATION limit (not on a stop request). */
  readonly limitReached = new Promise<void>((resolve) => (this.finishedRun = resolve));
  /** Set once the topics exist and the producer is connected; until then nothing can be published. */
  private kafkaReady = false;
  /** Resolves when start-up is over: Kafka reached (and autostart done), or the app closed while waiting. */
  ready: Promise<void> = Promise.resolve();
  private readonly closing = new AbortController();

  constructor(
    private readonly config: GeneratorConfig,
    private readonly metrics: GeneratorMetrics,
    @Inject(KAFKA_PRODUCER) private readonly kafka: ClientKafka,
    @Inject(ENSURE_TOPICS) private readonly ensureTopics: EnsureTopics,
    private readonly startup: StartupState,
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
    this.recordRate(this.runner.stats().rate);
  }

  /**
   * Does not wait for Kafka: the HTTP server comes up at once, so /health can answer 503 with the reason while
   * the broker is unreachable. Kafka is reached in the background, retried until it answers.
   */
  onApplicationBootstrap(): void {
    // /health stays 503 until a start would be accepted: the topics exist and the producer is connected.
    this.startup.starting(`topics not set up: waiting for Kafka at ${this.config.KAFKA_BROKERS}`);
    this.ready = this.connectKafka().then(() => {
      if (this.kafkaReady && this.config.GENERATOR_AUTOSTART) this.start();
    });
  }

  private async connectKafka(): Promise<void> {
    let waitMs = KAFKA_RETRY_FIRST_MS;
    let failures = 0;
    while (!this.closing.signal.aborted) {
      try {
        await this.ensureTopics();
        await this.kafka.connect();
        this.kafkaReady = true;
        this.startup.started();
        if (failures > 0) this.logger.log(`Kafka at ${this.config.KAFKA_BROKERS} reached after ${failures} failed attempt(s)`);
        return;
      } catch (error) {
        failures++;
        // A failed ClientKafka.connect() keeps its rejected promise: close it so the next attempt starts afresh.
        await this.kafka.close().catch(() => undefined);
        const reason = (error as Error).message;
        if (failures === 1) {
          this.logger.warn(
            `Kafka at ${this.config.KAFKA_BROKERS} is unreachable (${reason}); /health answers 503 until it is, retrying every ${KAFKA_RETRY_MAX_MS / 1000} s at most`,
          );
        } else {
          this.logger.debug(`Kafka still unreachable (attempt ${failures}): ${reason}`);
        }
        await abortableSleep(waitMs, this.closing.signal);
        waitMs = Math.min(waitMs * 2, KAFKA_RETRY_MAX_MS);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing.abort();
    await this.ready;
    await this.runner.stop();
    const stats = this.runner.stats();
    this.logger.log(`Stopped: ${stats.published} events published, ${stats.failed} failed`);
  }

  status(): GeneratorStats & { seed: number } {
    return { ...this.runner.stats(), seed: this.config.GENERATOR_SEED };
  }

  start(): GeneratorStats {
    if (this.runner.running) throw new ConflictException('generator is already running');
    if (!this.kafkaReady) throw new ServiceUnavailableException(`Kafka at ${this.config.KAFKA_BROKERS} has not been reached yet (see /health)`);
    const run = this.runner.start();
    const rate = this.runner.stats().rate;
    this.logger.log(
      `Generating at ${rate === 'max' ? 'full speed' : `${rate} events/s`} into ${this.config.EVENTS_TOPIC}, seed ${this.config.GENERATOR_SEED} (GENERATOR_SEED=${this.config.GENERATOR_SEED} repeats this stream)`,
    );
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

  /** The new rate holds for the rest of this run and for later runs (the runner keeps its pacer across stop/start). */
  setRate(rate: Rate): GeneratorStats {
    this.runner.setRate(rate);
    this.recordRate(rate);
    this.logger.log(`Rate set to ${rate === 'max' ? 'full speed' : `${rate} events/s`}`);
    return this.runner.stats();
  }

  private recordRate(rate: Rate): void {
    this.metrics.targetRate.set(rate === 'max' ? -1 : rate);
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
