import { Logger } from '@nestjs/common';
import { ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';

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
}

export class BatchServerKafka extends ServerKafka {
  private readonly batchLogger = new Logger(BatchServerKafka.name);
  /** Bumped on every rebalance and join; a batch remembers the value it started under. */
  private generation = 0;

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly route: BatchRoute,
  ) {
    // An empty postfix keeps the consumer group id exactly as configured ("processor"), not "processor-server".
    super({ postfixId: '', ...options });
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
      this.batchLogger.log(`Joined group as ${payload.memberId}: assigned ${JSON.stringify(payload.memberAssignment)}`);
    });
    await consumer.run({
      ...(this.options.run ?? {}),
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
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
    const result = await handler(message);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
