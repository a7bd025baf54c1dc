import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import type { CommitProgress, ConsumerSupervisor } from '@pipeline/kafka';
import { PipelineTopicsConfig } from '@pipeline/kafka';
import { DEFAULT_HOST, IsListenHost, type StorageWriteHealth } from '@pipeline/platform';
import { IsStorageUrl } from '@pipeline/storage';

/**
 * What the processor learns from the broker (and the lake) once it reaches Kafka; not settings. Filled in before the
 * consumer starts (HTTP is up earlier, so /health can say why it is not ready).
 */
export class BrokerFacts {
  /** The DLQ topic's max.message.bytes: dead letters are fitted to it (Kafka's default until read). */
  maxMessageBytes = 1_048_588;
  /** The name the events topic's batches are stored under (see resolveIncarnation in libs/kafka); '' = the topic. */
  storageTopic = '';
}

/** Readiness state shared by the Kafka transport (built before the Nest app) and the app's services. */
export class ProcessorHealth {
  constructor(
    readonly consumer: ConsumerSupervisor,
    readonly progress: CommitProgress,
    readonly storage: StorageWriteHealth,
  ) {}
}

/** Every setting of the processor, read from the environment once at start-up (see README "Configuration"). */
export class ProcessorConfig extends PipelineTopicsConfig {
  @IsInt() @Min(1) @Max(65535)
  PROCESSOR_PORT = 3001;

  /** Address the HTTP server binds to (containers: 0.0.0.0). */
  @IsListenHost()
  HOST = DEFAULT_HOST;

  /** Where the lake is: `file://data` (default), `file:///abs/path` (see README "Configuration"). */
  @IsStorageUrl()
  STORAGE_URL = '';

  /** Older alias: `DATA_DIR=x` means `STORAGE_URL=file://x`; ignored when STORAGE_URL is set. */
  @IsString()
  DATA_DIR = '';

  /** For `s3://` lakes on a non-AWS store (local server, MinIO, Ceph): its URL; requests then use path-style. */
  @IsString()
  S3_ENDPOINT = '';

  /** For `s3://` lakes: the region; empty = the AWS SDK's chain (profile), us-east-1 with S3_ENDPOINT. */
  @IsString()
  AWS_REGION = '';

  @IsString() @IsNotEmpty()
  CONSUMER_GROUP = 'processor';

  /** Most events in one flushed file set; larger fetches are split. */
  @IsInt() @Min(1) @Max(1_000_000)
  BATCH_MAX_EVENTS = 20_000;

  /** Longest a fetch waits for data before a (possibly small) batch is flushed: the latency bound at low rates. */
  @IsInt() @Min(10) @Max(60_000)
  BATCH_MAX_MS = 500;

  /** Bytes the broker gathers per partition per fetch (kafkajs maxBytesPerPartition). */
  @IsInt() @Min(65_536)
  FETCH_MAX_BYTES_PER_PARTITION = 8 * 1024 * 1024;

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

  /** Failures of one batch before its poison message is searched for, dead-lettered and skipped. */
  @IsInt() @Min(1)
  POISON_MAX_ATTEMPTS = 3;

  @IsIn(['SNAPPY', 'GZIP', 'UNCOMPRESSED'])
  PARQUET_COMPRESSION: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' = 'SNAPPY';

  @IsInt() @Min(100)
  PARQUET_ROW_GROUP_SIZE = 10_000;

  /**
   * Most event ids the duplicate index keeps in memory (~25-45 bytes each, outside the JS heap); hours touched least
   * recently are dropped first and read again from the lake's id files when a batch touches them.
   */
  @IsInt() @Min(10_000)
  ID_INDEX_MAX_IDS = 4_000_000;

  /** How often closed hours are compacted in the background (0: never; `npm run compact` does it by hand). */
  @IsInt() @Min(0)
  COMPACTION_INTERVAL_MS = 600_000;

  /** How long after its end an hour stays open for late events before it may be compacted. */
  @IsInt() @Min(0)
  COMPACTION_GRACE_MS = 600_000;

  /** Most events per compacted file written by the processor (bounds its memory; the CLI allows more). */
  @IsInt() @Min(1_000)
  COMPACTION_MAX_EVENTS_PER_FILE = 20_000;

  /** How often closed hours are checked for a (new) closed-hour quality report (0: never). */
  @IsInt() @Min(0)
  HOURLY_QUALITY_INTERVAL_MS = 60_000;

  /** How long after its end an hour stays open for late events before its closed-hour quality report is written. */
  @IsInt() @Min(0)
  HOURLY_QUALITY_GRACE_MS = 600_000;

  /** How often hourly metric tables are recomputed from the durable partials of hours that changed. */
  @IsInt() @Min(100)
  METRICS_ROLLUP_MS = 5_000;
}
