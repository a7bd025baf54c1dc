import { BadRequestException, ConflictException, Logger, ServiceUnavailableException, ValidationPipe } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { decodeEvent, HEADER_EVENT_TYPE } from '@pipeline/events';
import { HealthIndicatorService } from '@nestjs/terminus';
import { MetricsRegistry, StartupState } from '@pipeline/platform';
import { Observable, of, throwError } from 'rxjs';
import { GeneratorConfig } from '../generator.config';
import { GeneratorMetrics } from './generator.metrics';
import { GeneratorService } from './generator.service';
import { SetRateDto } from './set-rate.dto';

interface SentMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Stands in for the Nest Kafka client (our dependency, not kafkajs); the real broker is in pipeline-e2e. */
class RecordingKafkaClient {
  readonly batches: { topic: string; messages: SentMessage[] }[] = [];
  connected = false;
  failNext = 0;

  async connect(): Promise<void> {
    this.connected = true;
  }

  async close(): Promise<void> {
    this.connected = false;
  }

  emitBatch(topic: string, data: { messages: SentMessage[] }): Observable<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return throwError(() => new Error('broker unavailable'));
    }
    this.batches.push({ topic, messages: data.messages });
    return of(undefined);
  }
}

function setUp(env: Partial<GeneratorConfig> = {}, ensureTopics: () => Promise<unknown> = async () => undefined) {
  const config = Object.assign(new GeneratorConfig(), {
    EVENTS_TOPIC: 'unit.events',
    GENERATOR_RATE: 'max',
    GENERATOR_START_TIME: '2026-11-27T09:00:00Z',
    ...env,
  });
  const metrics = new GeneratorMetrics(new MetricsRegistry({ serviceName: 'generator', kafkaBrokers: [] }));
  const kafka = new RecordingKafkaClient();
  const startup = new StartupState(new HealthIndicatorService());
  const service = new GeneratorService(config, metrics, kafka as unknown as ClientKafka, ensureTopics, startup);
  return { config, metrics, kafka, service, startup };
}

async function producedByType(metrics: GeneratorMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.produced.get();
  return Object.fromEntries(values.map((v) => [String(v.labels['event_type']), v.value]));
}

describe('GeneratorService', () => {
  // The service logs every start and stop; the assertions are on its state, not its log.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('publishes GENERATOR_COUNT events in GENERATOR_BATCH_SIZE batches to EVENTS_TOPIC, then resolves limitReached', async () => {
    const { kafka, metrics, service } = setUp({ GENERATOR_COUNT: 2_500, GENERATOR_BATCH_SIZE: 1_000 });
    service.onApplicationBootstrap();
    await service.limitReached;

    expect(kafka.connected).toBe(true);
    expect(kafka.batches.map((b) => [b.topic, b.messages.length])).toEqual([
      ['unit.events', 1_000],
      ['unit.events', 1_000],
      ['unit.events', 500],
    ]);
    const sent = kafka.batches.flatMap((b) => b.messages);
    for (const message of sent.slice(0, 50)) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) throw new Error(`invalid event: ${decoded.reason}`);
      expect(message.key).toBe(decoded.event.session_id);
      expect(message.headers[HEADER_EVENT_TYPE]).toBe(decoded.event.event_type);
    }
    const status = service.status();
    expect(status).toMatchObject({ running: false, stopReason: 'count', produced: 2_500, published: 2_500, failed: 0 });
    expect(await producedByType(metrics)).toEqual(status.byEventType);
    await service.onApplicationShutdown();
  });

  it('waits for POST start when GENERATOR_AUTOSTART is false, and refuses a second start', async () => {
    const { kafka, service } = setUp({ GENERATOR_AUTOSTART: false, GENERATOR_RATE: '50' });
    service.onApplicationBootstrap();
    await service.ready;
    expect(service.status()).toMatchObject({ running: false, produced: 0 });
    expect(kafka.batches).toHaveLength(0);

    expect(service.start().running).toBe(true);
    expect(() => service.start()).toThrow(ConflictException);
    const stopped = await service.stop();
    expect(stopped).toMatchObject({ running: false, stopReason: 'stopped' });
  });

  it('changes the rate of a running generator and exposes it as a gauge', async () => {
    const { metrics, service } = setUp({ GENERATOR_AUTOSTART: false, GENERATOR_RATE: '10' });
    service.onApplicationBootstrap();
    await service.ready;
    service.start();
    expect(service.setRate(250).rate).toBe(250);
    expect(service.status().rate).toBe(250);
    expect((await metrics.targetRate.get()).values[0].value).toBe(250);
    service.setRate('max');
    expect((await metrics.targetRate.get()).values[0].value).toBe(-1);
    await service.stop();
  });

  it('does not resolve limitReached when the run is stopped by request', async () => {
    const { service } = setUp({ GENERATOR_AUTOSTART: false, GENERATOR_RATE: '10', GENERATOR_COUNT: 1_000 });
    service.onApplicationBootstrap();
    await service.ready;
    service.start();
    await service.stop();
    const outcome = await Promise.race([service.limitReached.then(() => 'reached'), new Promise((r) => setTimeout(() => r('pending'), 50))]);
    expect(outcome).toBe('pending');
  });

  it('counts a failed send, backs off and goes on', async () => {
    const { kafka, metrics, service } = setUp({ GENERATOR_COUNT: 20, GENERATOR_BATCH_SIZE: 10 });
    kafka.failNext = 1;
    service.onApplicationBootstrap();
    await service.limitReached;
    expect(service.status()).toMatchObject({ produced: 20, published: 10, failed: 10, publishErrors: 1, lastError: 'broker unavailable' });
    expect((await metrics.sendErrors.get()).values[0].value).toBe(1);
  });

  it('exposes the configured rate as generator_target_rate from boot, before any PUT', async () => {
    expect((await setUp({ GENERATOR_RATE: '20' }).metrics.targetRate.get()).values[0].value).toBe(20);
    expect((await setUp({ GENERATOR_RATE: 'max' }).metrics.targetRate.get()).values[0].value).toBe(-1);
  });

  it('keeps a rate set while running for the next run after stop/start', async () => {
    const { metrics, service } = setUp({ GENERATOR_AUTOSTART: false, GENERATOR_RATE: '1' });
    service.onApplicationBootstrap();
    await service.ready;
    service.start();
    service.setRate(20);
    await service.stop();
    expect(service.start().rate).toBe(20);
    expect(service.status()).toMatchObject({ running: true, rate: 20 });
    expect((await metrics.targetRate.get()).values[0].value).toBe(20);
    await service.stop();
  });

  it('serves before Kafka is reachable: start and /health answer 503 until then, and it keeps retrying', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      let attempts = 0;
      const { kafka, service, startup } = setUp({ GENERATOR_AUTOSTART: true, GENERATOR_RATE: '10' }, async () => {
        attempts++;
        if (attempts < 3) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19');
      });
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(attempts).toBe(1);
      expect(() => service.start()).toThrow(ServiceUnavailableException);
      expect(startup.check()).toEqual({ startup: { status: 'down', message: 'topics not set up: waiting for Kafka at 127.0.0.1:9092' } });
      await jest.advanceTimersByTimeAsync(1_000); // first retry after 1 s
      expect(attempts).toBe(2);
      await jest.advanceTimersByTimeAsync(2_000); // then 2 s
      await service.ready;
      expect(attempts).toBe(3);
      expect(kafka.connected).toBe(true);
      expect(startup.check()).toEqual({ startup: { status: 'up' } });
      expect(service.status().running).toBe(true); // GENERATOR_AUTOSTART once Kafka answered
      await service.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops retrying when the app shuts down before Kafka was reached', async () => {
    const { service } = setUp({}, async () => {
      throw new Error('Connection timeout');
    });
    service.onApplicationBootstrap();
    await service.onApplicationShutdown();
    expect(service.status().running).toBe(false);
  });

  it('refuses unknown fault kinds at start-up, naming them', () => {
    expect(() => setUp({ GENERATOR_FAULTS: 'invalid_json,bit_rot' })).toThrow('GENERATOR_FAULTS: unknown fault kinds bit_rot');
  });
});

describe('SetRateDto (PUT /generator/rate body)', () => {
  const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
  const validate = (body: unknown) => pipe.transform(body, { type: 'body', metatype: SetRateDto });

  it('accepts a positive number or "max"', async () => {
    await expect(validate({ rate: 500 })).resolves.toMatchObject({ rate: 500 });
    await expect(validate({ rate: 'max' })).resolves.toMatchObject({ rate: 'max' });
  });

  it.each([
    [{ rate: 'fast' }, /^rate must be a number of events\/s/],
    [{ rate: 0 }, /^rate must be/],
    [{ rate: 2_000_000 }, /^rate must be/],
    [{}, /^rate must be/],
    [{ rate: 5, burst: true }, /^property burst should not exist/],
  ])('rejects %j with a 400 naming the field', async (body, expected) => {
    const error = await validate(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    const messages = ((error as BadRequestException).getResponse() as { message: string[] }).message;
    expect(messages).toEqual([expect.stringMatching(expected)]);
  });
});
