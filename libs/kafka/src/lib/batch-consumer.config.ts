import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import type { KafkaOptions } from '@nestjs/microservices';
import { idempotentProducerConfig, kafkaClientConfig } from './kafka-client-options';
import { PipelineTopicsConfig } from './pipeline-topics.config';

/** The settings of a consumer group run by {@link BatchServerKafka} (see README "Configuration"); app configs extend it. */
export class BatchConsumerConfig extends PipelineTopicsConfig {
  @IsString() @IsNotEmpty()
  CONSUMER_GROUP = 'processor';

  /** Longest a fetch waits for data before a (possibly small) batch is flushed: the latency bound at low rates. */
  @IsInt() @Min(10) @Max(60_000)
  BATCH_MAX_MS = 500;

  /**
   * Bytes the broker gathers per partition per fetch (kafkajs maxBytesPerPartition). A whole fetch is decoded at once
   * and lives until its chunks are durable: 4 MiB costs the same CPU per event as 8 MiB and ~80-140 MB less peak
   * RSS (bench/README.md, "Eighth round"); 1-2 MiB cost far more CPU (more, smaller chunks, each with fixed work).
   */
  @IsInt() @Min(65_536)
  FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;

  /**
   * How long the group waits for a silent instance before giving its partitions to the others: most of the fail-over
   * time after a kill -9 (measured: 6 s gives a median of 8.3 s from the kill to the survivor's first commit, 10 s gave
   * 13 s). 6 s is the broker's floor (group.min.session.timeout.ms). kafkajs heartbeats every second between fetches
   * and after each flushed chunk, so a live instance is evicted only if one chunk takes over 6 s (a 20,000-event
   * chunk takes ~0.5 s); even then the rebalance fences it (it stops writing, the chunk is replayed), nothing is lost.
   */
  @IsInt() @Min(6_000) @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 6_000;

  @IsInt() @Min(100) @Max(60_000)
  KAFKA_HEARTBEAT_INTERVAL_MS = 1_000;

  /** /health turns 503 when an assigned partition has lag and its committed offset has not moved for this long. */
  @IsInt() @Min(1_000)
  STALL_TIMEOUT_MS = 120_000;

  /** How often the group's lag (high watermark - committed) is read from the broker for metrics and the stall check. */
  @IsInt() @Min(100)
  LAG_POLL_MS = 5_000;

  /** Consumer restarts in a row (without getting back into the group; backoff 1 s doubling to 30 s, ~3.5 min for 10) before the processor exits non-zero. */
  @IsInt() @Min(0)
  CONSUMER_MAX_RESTARTS = 10;

  /**
   * Partitions of one fetch handled at once (kafkajs partitionsConsumedConcurrently). Above 1, one partition's chunk
   * is validated and encoded while another waits for its fsyncs and offset commit: end to end +5 to +9 % on 2 cores,
   * but every chunk in hand is alive at once, so the collector works more (3: +0.8-1.2 CPU s per million events on
   * V8's helper threads, 2: +0.3-0.5; bench/README.md, "Thirteenth round"). 1 is the cheapest per event; raise it
   * when cores are spare or storage answers slowly. A stale writer is no likelier either way: kafkajs hands out all
   * of a fetch's batches before it rejoins, and the first refused for its generation stops the rest
   * (BatchServerKafka).
   */
  @IsInt() @Min(1) @Max(64)
  PARTITIONS_CONSUMED_CONCURRENTLY = 1;

  /** Failures of one batch before its poison message is searched for, dead-lettered and skipped. */
  @IsInt() @Min(1)
  POISON_MAX_ATTEMPTS = 3;

  /** No fetch and no heartbeat for this long: the consumer is reported as not consuming (see ConsumerSupervisor). */
  get consumerInactivityMs(): number {
    return Math.max(15_000, this.KAFKA_SESSION_TIMEOUT_MS + this.BATCH_MAX_MS);
  }
}

/** The kafkajs client, consumer, producer and run options of a {@link BatchServerKafka} for these settings. */
export function batchConsumerOptions(config: BatchConsumerConfig, clientId: string): Required<KafkaOptions>['options'] {
  return {
    client: kafkaClientConfig(clientId, config.brokers),
    consumer: {
      groupId: config.CONSUMER_GROUP,
      maxWaitTimeInMs: config.BATCH_MAX_MS,
      // Ask the broker to gather data for up to BATCH_MAX_MS: fewer, larger files at high rates.
      minBytes: 1024 * 1024,
      maxBytesPerPartition: config.FETCH_MAX_BYTES_PER_PARTITION,
      maxBytes: config.FETCH_MAX_BYTES_PER_PARTITION * config.TOPIC_PARTITIONS,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.min(config.KAFKA_HEARTBEAT_INTERVAL_MS, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      // How long a rebalance waits for members to rejoin: a member finishing its chunk rejoins within seconds.
      rebalanceTimeout: Math.max(10_000, config.KAFKA_SESSION_TIMEOUT_MS),
    },
    producer: idempotentProducerConfig(),
    run: { partitionsConsumedConcurrently: config.PARTITIONS_CONSUMED_CONCURRENTLY },
    subscribe: { fromBeginning: true },
  };
}
