import { Logger } from '@nestjs/common';
import { ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Batch, Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumerSupervisor } from './consumer-supervisor';

/** What an `@EventPattern(topic)` handler receives from {@link BatchServerKafka}: a whole fetched batch. */
export interface KafkaBatchMessage extends EachBatchPayload {
  /** The transport's own producer (idempotent when configured so), for dead letters. */
  producer: Producer;
  /**
   * False once the group has started rebalancing since this batch was handed out: the partition may already
   * belong to another instance, so nothing more of this batch may be written (a zombie writer would overwrite
   * the new owner's files).
   */
  isCurrentGeneration: () => boolean;
}

/**
 * Nest's stock ServerKafka runs kafkajs `eachMessage`: one handler call, one await, per message,
 * and it cannot hold offsets back until data is durable. This subclass keeps Nest's wiring
 * (`@EventPattern`, `connectMicroservice`, lifecycle, logging) but runs `eachBatch` with
 * auto-commit and auto-resolve off, so the handler decides when offsets move: only after
 * what they cover is stored. A handler that throws makes kafkajs retry the batch from the
 * last committed offset; the sink's idempotent file names absorb the replay.
 */
export interface BatchRoute {
  /** Topics to consume, known only at run time (from configuration). */
  topics: string[];
  /** The `@EventPattern` that receives their batches. */
  pattern: string;
  /**
   * The `@EventPattern` that receives a {@link PoisonMessage}: one message that failed the batch handler the same way
   * `maxAttempts` times. The handler must dead-letter it; the offset after it is then committed (it is skipped).
   */
  poisonPattern?: string;
  /** Failures of a batch (same partition, same first offset) before its poison message is searched for. Default 3. */
  maxAttempts?: number;
  /** Follows the consumer's state and bounds restarts (the processor's readiness reads it). */
  supervisor?: ConsumerSupervisor;
  /** Called once the consumer cannot be restarted: the process should exit non-zero. */
  onGiveUp?: (error: string | null) => void;
}

/** What a `poisonPattern` handler receives. */
export interface PoisonMessage {
  batch: KafkaBatchMessage;
  message: KafkaMessage;
  /** `Name: message` of the error the message failed with. */
  error: string;
}

/**
 * Whether a batch handler's error can be the data's fault. Storage (`ENOSPC`, `EROFS`: errors with a system `code`),
 * Kafka and rebalance errors say nothing about the messages: those are retried forever and never dead-letter data.
 */
export function isPossiblyMessageFault(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const tagged = error as Error & { code?: unknown; type?: unknown };
  if (typeof tagged.code === 'string' || typeof tagged.type === 'string') return false;
  return !error.name.startsWith('KafkaJS') && error.name !== 'StaleWriterError' && error.name !== 'StaleBatchError';
}

/** Kafka's answers that mean this member's generation is over: the group moved on (or is moving) without it. */
const GENERATION_LOST_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

/**
 * Whether a batch failed because its partition may no longer be this instance's: its commit was refused for the
 * generation, the handler saw a rebalance (StaleBatchError, type REBALANCE_IN_PROGRESS) or a newer writer fenced it.
 */
export function isGenerationLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const type = (error as Error & { type?: unknown }).type;
  return (typeof type === 'string' && GENERATION_LOST_TYPES.has(type)) || error.name === 'StaleWriterError';
}

/**
 * kafkajs stops the consumer for good when a handler throws a TypeError, RangeError, SyntaxError or ReferenceError;
 * wrapped, the failure is retried like any other (and counted towards finding a poison message).
 */
export class BatchHandlerError extends Error {
  constructor(readonly original: Error) {
    super(`${original.name}: ${original.message}`);
    this.name = 'BatchHandlerError';
    this.stack = original.stack;
  }
}

export class BatchServerKafka extends ServerKafka {
  private readonly batchLogger = new Logger(BatchServerKafka.name);
  /** Bumped on every rebalance and join; a batch remembers the value it started under. */
  private generation = 0;
  private readonly supervisor: ConsumerSupervisor;
  /** Failures per `topic/partition@firstOffset`: the same batch failing again and again holds a poison message. */
  private readonly failures = new Map<string, number>();
  private runConfig: ConsumerRunConfig | null = null;
  private closing = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly route: BatchRoute,
  ) {
    // An empty postfix keeps the consumer group id exactly as configured ("processor"), not "processor-server".
    super({ postfixId: '', ...options });
    this.supervisor = route.supervisor ?? new ConsumerSupervisor();
  }

  override async close(): Promise<void> {
    this.closing = true;
    this.supervisor.closing();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await super.close();
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    if (!this.messageHandlers.has(this.route.pattern)) {
      throw new Error(`BatchServerKafka: no @EventPattern('${this.route.pattern}') handler registered`);
    }
    await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: this.route.topics });
    consumer.on(consumer.events.REBALANCING, () => {
      this.generation++;
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.generation++;
      this.supervisor.joined(payload.memberAssignment);
      this.batchLogger.log(`Joined group as ${payload.memberId}: assigned ${JSON.stringify(payload.memberAssignment)}`);
    });
    this.superviseConsumer(consumer);
    this.runConfig = {
      ...(this.options.run ?? {}),
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    };
    await consumer.run(this.runConfig);
  }

  /**
   * kafkajs emits STOP, then CRASH with `restart` saying whether it restarts the consumer itself. When it will not
   * (or the consumer stopped without a crash and without us asking), we restart it: connect and run again (the
   * subscription is kept). Every restart, ours or kafkajs', counts until the consumer is back in its group.
   */
  private superviseConsumer(consumer: Consumer): void {
    consumer.on(consumer.events.FETCH, () => this.supervisor.active());
    consumer.on(consumer.events.HEARTBEAT, () => this.supervisor.active());
    consumer.on(consumer.events.STOP, () => {
      if (this.closing) return;
      this.supervisor.stopped(null);
      // A crash follows at once when there was one; a STOP alone means someone stopped the consumer.
      setTimeout(() => {
        if (!this.closing && this.supervisor.current === 'stopped') this.restart(consumer, 'the consumer stopped unexpectedly');
      }, 1_000).unref();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.closing) return;
      const error = `${payload.error.name}: ${payload.error.message}`;
      this.supervisor.stopped(error);
      if (payload.restart) {
        // kafkajs restarts it; counted so that endless failing restarts end too.
        const delay = this.supervisor.restarting();
        const attempt = this.supervisor.status().restarts;
        // A retriable broker answer (a coordinator still loading, a leader moving) is the broker's moment, not a
        // fault of ours: worth a warning, not an error. Anything else is a crash.
        if ((payload.error as { retriable?: boolean }).retriable) {
          this.batchLogger.warn(`Consumer rejoining after a retriable broker error (${error}); kafkajs restarts it (attempt ${attempt})`);
        } else {
          this.batchLogger.error(`Consumer crashed (${error}); kafkajs restarts it (attempt ${attempt})`);
        }
        if (delay === null) this.giveUp(consumer);
      } else {
        this.restart(consumer, `consumer crashed: ${error}`);
      }
    });
  }

  private restart(consumer: Consumer, why: string): void {
    const delay = this.supervisor.restarting();
    if (delay === null) {
      this.giveUp(consumer);
      return;
    }
    const attempt = this.supervisor.status().restarts;
    this.batchLogger.error(`${why}; restarting it in ${delay} ms (attempt ${attempt} of ${this.supervisor.maxRestarts})`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closing || !this.runConfig) return;
      const runConfig = this.runConfig;
      consumer
        .connect()
        .then(() => consumer.run(runConfig))
        .catch((error: Error) => {
          this.supervisor.stopped(`${error.name}: ${error.message}`);
          this.restart(consumer, `restart failed: ${error.message}`);
        });
    }, delay);
  }

  private giveUp(consumer: Consumer): void {
    const { lastError } = this.supervisor.status();
    this.batchLogger.error(`Consumer could not be restarted after ${this.supervisor.maxRestarts} attempts; last error: ${lastError}`);
    void consumer.stop().catch(() => undefined);
    this.route.onGiveUp?.(lastError);
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const handler = this.getHandlerByPattern(this.route.pattern);
    if (!handler) {
      this.batchLogger.error(`No handler for topic ${payload.batch.topic}; batch left uncommitted`);
      return;
    }
    if (!this.producer) throw new Error('BatchServerKafka: producer not connected');
    const generation = this.generation;
    const message: KafkaBatchMessage = Object.assign(payload, {
      producer: this.producer,
      isCurrentGeneration: () => this.generation === generation,
    });
    const { topic, partition } = payload.batch;
    const key = `${topic}/${partition}@${payload.batch.firstOffset()}`;
    // kafkajs heartbeats only between batches; a slow flush (large dead letters, a loaded machine) would outlast a
    // short session timeout and get a live member evicted. Heartbeating while the handler works keeps it in the group
    // (as Java clients do from a background thread); a dead process still stops heartbeating at once.
    const heartbeats = setInterval(() => void payload.heartbeat().catch(() => undefined), this.options.consumer?.heartbeatInterval ?? 1_000);
    try {
      await this.callHandler(handler, message);
      this.failures.delete(key);
    } catch (error) {
      // kafkajs hands a fetch's batches to its workers and rejoins only once all of them are done. The first one
      // refused for the generation ends it for the others too: those still running stop before their next write
      // instead of writing as a stale member (with partitionsConsumedConcurrently > 1 they run at the same time).
      if (generation === this.generation && isGenerationLost(error)) this.generation++;
      const attempts = (this.failures.get(key) ?? 0) + 1;
      if (!this.route.poisonPattern || !isPossiblyMessageFault(error) || attempts < (this.route.maxAttempts ?? 3)) {
        // Keys of batches that later started elsewhere (after a rebalance) are never deleted: keep the map bounded.
        if (this.failures.size > 10_000) this.failures.clear();
        this.failures.set(key, attempts);
        throw retriable(error);
      }
      this.failures.delete(key);
      this.batchLogger.warn(`${key} failed ${attempts} times (${describe(error)}): looking for the message that fails it`);
      await this.isolatePoison(handler, message, payload.batch.messages);
    } finally {
      clearInterval(heartbeats);
    }
  }

  private async callHandler<T>(handler: (message: T) => unknown, message: T): Promise<void> {
    const result = await handler(message);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /**
   * Halves the failing messages until the one that fails alone is found, handing each working half to the handler
   * (which stores and commits it) in order; the failing message goes to the poison handler and its offset is
   * committed. About 2·log2(n) handler calls per poison message, and never a loop on one offset.
   */
  private async isolatePoison(
    handler: (message: KafkaBatchMessage) => unknown,
    whole: KafkaBatchMessage,
    messages: KafkaMessage[],
  ): Promise<void> {
    if (messages.length === 0 || !whole.isRunning() || whole.isStale() || !whole.isCurrentGeneration()) return;
    const part: KafkaBatchMessage = Object.assign(Object.create(Object.getPrototypeOf(whole)) as KafkaBatchMessage, whole, {
      batch: withMessages(whole.batch, messages),
    });
    try {
      await this.callHandler(handler, part);
      return;
    } catch (error) {
      if (!isPossiblyMessageFault(error)) throw retriable(error);
      if (messages.length > 1) {
        const middle = Math.ceil(messages.length / 2);
        await this.isolatePoison(handler, whole, messages.slice(0, middle));
        await this.isolatePoison(handler, whole, messages.slice(middle));
        return;
      }
      const poison = messages[0];
      const poisonHandler = this.route.poisonPattern ? this.getHandlerByPattern(this.route.poisonPattern) : null;
      if (!poisonHandler) throw retriable(error);
      const { topic, partition } = whole.batch;
      this.batchLogger.error(`${topic}[${partition}]@${poison.offset} fails every attempt (${describe(error)}): dead-lettering and skipping it`);
      const poisonMessage: PoisonMessage = { batch: part, message: poison, error: describe(error) };
      await this.callHandler(poisonHandler, poisonMessage);
      const next = (BigInt(poison.offset) + 1n).toString();
      await whole.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      whole.resolveOffset(poison.offset);
    }
  }
}

/** A copy of the batch holding only `messages` (its methods, e.g. firstOffset(), read them). */
function withMessages(batch: Batch, messages: KafkaMessage[]): Batch {
  return Object.assign(Object.create(Object.getPrototypeOf(batch)) as Batch, batch, { messages });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error);
}

function retriable(error: unknown): unknown {
  return error instanceof Error && ['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError'].includes(error.name)
    ? new BatchHandlerError(error)
    : error;
}
