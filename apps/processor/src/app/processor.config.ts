import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { PipelineTopicsConfig } from '@pipeline/platform';

/** What the DLQ topic accepts, read from the broker at start-up (not a setting). */
export class DeadLetterLimits {
  maxMessageBytes!: number;
}

/** Every setting of the processor, read from the environment once at start-up (see README "Configuration"). */
export class ProcessorConfig extends PipelineTopicsConfig {
  @IsInt() @Min(1) @Max(65535)
  PROCESSOR_PORT = 3001;

  @IsString() @IsNotEmpty()
  DATA_DIR = 'data';

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

  /** How long the group waits for a silent instance before giving its partitions to the others. */
  @IsInt() @Min(6_000) @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

  @IsIn(['SNAPPY', 'GZIP', 'UNCOMPRESSED'])
  PARQUET_COMPRESSION: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' = 'SNAPPY';

  @IsInt() @Min(100)
  PARQUET_ROW_GROUP_SIZE = 10_000;

  /** How often hourly metric tables are recomputed from the durable partials of hours that changed. */
  @IsInt() @Min(100)
  METRICS_ROLLUP_MS = 5_000;
}
