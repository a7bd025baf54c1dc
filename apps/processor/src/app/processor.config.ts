import { IsInt, Max, Min } from 'class-validator';
import { BatchConsumerConfig } from '@pipeline/kafka';
import { DEFAULT_HOST, IsListenHost } from '@pipeline/platform';
import { withLakeWriterSettings } from '@pipeline/storage';

/**
 * Every setting of the processor, read from the environment once at start-up (see README "Configuration"): the
 * consumer group's (libs/kafka), the lake's and Parquet's (libs/storage), and these.
 */
export class ProcessorConfig extends withLakeWriterSettings(BatchConsumerConfig) {
  @IsInt() @Min(1) @Max(65535)
  PROCESSOR_PORT = 3001;

  /** Address the HTTP server binds to (containers: 0.0.0.0). */
  @IsListenHost()
  HOST = DEFAULT_HOST;

  /** Most events in one flushed file set; larger fetches are split. */
  @IsInt() @Min(1) @Max(1_000_000)
  BATCH_MAX_EVENTS = 20_000;

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
