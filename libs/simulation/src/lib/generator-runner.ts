import type { FaultKind, GeneratedMessage } from './faults';
import type { RatePacer, Rate } from './rate-pacer';
import type { MessageSource } from './simulation';

/** Sleeps `ms`, returning early when `signal` aborts. Injectable so tests can drive a fake clock. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface GeneratorRunnerOptions {
  source: MessageSource;
  pacer: RatePacer;
  /** Sends one batch; the runner awaits it before producing more (back-pressure). */
  publish: (batch: GeneratedMessage[]) => Promise<void>;
  /** Stop after this many messages have been produced. */
  count?: number;
  /** Stop after this long (pacer clock). */
  durationMs?: number;
  /** Largest batch handed to publish. Default 500. */
  maxBatchSize?: number;
  /**
   * A batch also ends once its messages' bytes (key, value, headers) reach this. Default MAX_BATCH_BYTES: what one
   * Kafka produce request may carry without any partition's record batch exceeding the broker's limit.
   */
  maxBatchBytes?: number;
  sleep?: Sleep;
  /** Told about each failed publish (for logging); the runner counts it, backs off and carries on. */
  onPublishError?: (error: unknown, batch: readonly GeneratedMessage[]) => void;
}

export type StopReason = 'count' | 'duration' | 'stopped';

export interface GeneratorStats {
  running: boolean;
  /** Pacer-clock epoch ms. */
  startedAt: number | null;
  stoppedAt: number | null;
  stopReason: StopReason | null;
  rate: Rate;
  /** Messages generated (including those whose publish failed). */
  produced: number;
  /** Messages in batches whose publish resolved. */
  published: number;
  /** Messages in batches whose publish rejected. */
  failed: number;
  byEventType: Record<string, number>;
  /** Unparseable messages (invalid_json, invalid_utf8) have no event type. */
  unparseable: number;
  faultsByKind: Partial<Record<FaultKind, number>>;
  publishErrors: number;
  lastError: string | null;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
/**
 * Kafka refuses a partition's record batch above its `message.max.bytes` (1 MiB + 12 bytes by default) and kafkajs
 * sends a batch as it is given: 10,000 generated events (~4.5 MB, ~1.5 MB per partition of 3) were refused on every
 * retry and all lost. A request of at most 900 KiB of message bytes keeps every partition's batch below the limit,
 * record framing included (~20 bytes per record); at the default 1,000 events a batch is ~450 KB and never splits.
 */
export const MAX_BATCH_BYTES = 900 * 1024;
const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Drives a message source at the pacer's rate into `publish`, one batch at a time. Only one batch is ever
 * in flight, and at most one more is made (if already due) while it is: a slow sink slows the runner down
 * instead of filling memory. Framework-free: the Nest generator and the CLI wrap the same loop.
 */
export class GeneratorRunner {
  private readonly source: MessageSource;
  private readonly pacer: RatePacer;
  private readonly publish: (batch: GeneratedMessage[]) => Promise<void>;
  private readonly count: number | undefined;
  private readonly durationMs: number | undefined;
  private readonly maxBatchSize: number;
  private readonly maxBatchBytes: number;
  private readonly sleep: Sleep;
  private readonly onPublishError: GeneratorRunnerOptions['onPublishError'];

  private readonly counters: GeneratorStats;
  private stopping = false;
  private run: Promise<void> | null = null;
  /** Aborts the current sleep: on stop, and on a rate change so the new rate applies at once. */
  private wake: AbortController | null = null;

  constructor(options: GeneratorRunnerOptions) {
    this.source = options.source;
    this.pacer = options.pacer;
    this.publish = options.publish;
    this.count = options.count;
    this.durationMs = options.durationMs;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    this.maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.sleep = options.sleep ?? abortableSleep;
    this.onPublishError = options.onPublishError;
    if (this.count !== undefined && !(Number.isSafeInteger(this.count) && this.count >= 0)) {
      throw new RangeError(`count must be a non-negative integer, got ${this.count}`);
    }
    if (this.durationMs !== undefined && !(this.durationMs >= 0 && Number.isFinite(this.durationMs))) {
      throw new RangeError(`durationMs must be a non-negative number, got ${this.durationMs}`);
    }
    if (!(Number.isSafeInteger(this.maxBatchSize) && this.maxBatchSize >= 1)) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${this.maxBatchSize}`);
    }
    if (!(this.maxBatchBytes >= 1)) throw new RangeError(`maxBatchBytes must be positive, got ${this.maxBatchBytes}`);
    this.counters = {
      running: false,
      startedAt: null,
      stoppedAt: null,
      stopReason: null,
      rate: this.pacer.rate,
      produced: 0,
      published: 0,
      failed: 0,
      byEventType: {},
      unparseable: 0,
      faultsByKind: {},
      publishErrors: 0,
      lastError: null,
    };
  }

  get running(): boolean {
    return this.counters.running;
  }

  /** A snapshot; safe to serialise. */
  stats(): GeneratorStats {
    return {
      ...this.counters,
      rate: this.pacer.rate,
      byEventType: { ...this.counters.byEventType },
      faultsByKind: { ...this.counters.faultsByKind },
    };
  }

  /** Starts the loop; the promise resolves when the run ends (limit reached or stop()). Rejects if already running. */
  start(): Promise<void> {
    if (this.run) return Promise.reject(new Error('generator is already running'));
    this.stopping = false;
    this.run = this.loop().finally(() => {
      this.run = null;
    });
    return this.run;
  }

  /** Asks the loop to stop; resolves once the in-flight batch has been published (or failed). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.abort();
    await this.run;
  }

  setRate(rate: Rate): void {
    this.pacer.setRate(rate);
    this.wake?.abort();
  }

  private async loop(): Promise<void> {
    const startedAt = this.pacer.now();
    this.pacer.restart(startedAt);
    Object.assign(this.counters, { running: true, startedAt, stoppedAt: null, stopReason: null });
    let backoffMs = INITIAL_BACKOFF_MS;
    // Made while the previous batch was in flight. Always sent, even after stop(): it counts as produced.
    let ready: GeneratedMessage[] | null = null;
    try {
      for (;;) {
        let batch = ready;
        ready = null;
        if (batch === null) {
          const step = this.nextStep(startedAt);
          if (step.stop) {
            this.counters.stopReason = step.stop;
            return;
          }
          if (step.size <= 0) {
            // Sleep until exactly the next due time (or the end of the run), never poll.
            await this.pause(Math.min(this.pacer.msUntilNext(step.now), step.endsAt - step.now));
            continue;
          }
          batch = this.produce(step.size);
        }
        // Settles to the error, never rejects: nothing may reject unobserved while the next batch is made.
        const sent = this.publish(batch).then(
          () => null,
          (error: unknown) => ({ error }),
        );
        // Let the send reach the socket (kafkajs encodes and writes it in microtasks; timers and I/O run too), then
        // make the next batch while Kafka acknowledges this one: the wait for the acknowledgement hides that CPU.
        // Still one batch in flight at a time, sent in order: a session's events stay in order in their partition.
        await yieldToEventLoop();
        const next = this.nextStep(startedAt);
        if (!next.stop && next.size > 0) ready = this.produce(next.size);
        const failure = await sent;
        if (failure === null) {
          this.counters.published += batch.length;
          backoffMs = INITIAL_BACKOFF_MS;
        } else {
          const { error } = failure;
          this.counters.failed += batch.length;
          this.counters.publishErrors++;
          this.counters.lastError = error instanceof Error ? error.message : String(error);
          this.onPublishError?.(error, batch);
          // A failing sink (broker down) must not turn the loop into a hot retry storm.
          await this.pause(backoffMs);
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
      }
    } finally {
      this.counters.running = false;
      this.counters.stoppedAt = this.pacer.now();
    }
  }

  /** Why the run ends now, or how many messages are due now (0: none yet) on the pacer's clock. */
  private nextStep(startedAt: number): { stop: StopReason; size: 0; now: number; endsAt: number } | { stop: null; size: number; now: number; endsAt: number } {
    const clockNow = this.pacer.now();
    const endsAt = this.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + this.durationMs;
    // Past the end, still send what was due by the end: 2 s at 100/s is 200 messages, not 199.
    const now = Math.min(clockNow, endsAt);
    const reason = this.limitReached(clockNow, endsAt, now);
    if (reason) return { stop: reason, size: 0, now, endsAt };
    const remaining = this.count === undefined ? Number.POSITIVE_INFINITY : this.count - this.counters.produced;
    return { stop: null, size: Math.min(this.pacer.due(now), this.maxBatchSize, remaining), now, endsAt };
  }

  private limitReached(clockNow: number, endsAt: number, now: number): StopReason | null {
    if (this.stopping) return 'stopped';
    if (this.count !== undefined && this.counters.produced >= this.count) return 'count';
    if (clockNow >= endsAt && (this.pacer.rate === 'max' || this.pacer.due(now) <= 0)) return 'duration';
    return null;
  }

  /** Up to `size` messages, fewer if their bytes reach maxBatchBytes first (at least one: a batch is never empty). */
  private produce(size: number): GeneratedMessage[] {
    const batch: GeneratedMessage[] = [];
    const { byEventType, faultsByKind } = this.counters;
    let bytes = 0;
    while (batch.length < size && bytes < this.maxBatchBytes) {
      const message = this.source.next();
      batch.push(message);
      bytes += messageBytes(message);
      if (message.eventType === null) this.counters.unparseable++;
      else byEventType[message.eventType] = (byEventType[message.eventType] ?? 0) + 1;
      if (message.fault) faultsByKind[message.fault] = (faultsByKind[message.fault] ?? 0) + 1;
    }
    this.counters.produced += batch.length;
    this.pacer.take(batch.length);
    return batch;
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) return;
    const wake = new AbortController();
    this.wake = wake;
    try {
      await this.sleep(ms, wake.signal);
    } finally {
      if (this.wake === wake) this.wake = null;
    }
  }
}

/** A message's key, value and header bytes: what Kafka counts towards a record batch, bar ~20 bytes of framing. */
export function messageBytes(message: Pick<GeneratedMessage, 'key' | 'value' | 'headers'>): number {
  let bytes = Buffer.byteLength(message.key) + message.value.length;
  for (const name in message.headers) bytes += Buffer.byteLength(name) + Buffer.byteLength(message.headers[name]);
  return bytes;
}

/** setTimeout that resolves early (and clears the timer, so the process can exit) when aborted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
