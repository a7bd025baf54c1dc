import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { DEFAULT_HOST, IsListenHost, parseList } from '@pipeline/platform';
import { StorageConfig } from '@pipeline/storage';

/** Every setting of the reporter, read from the environment once at start-up; the lake's are StorageConfig's. */
export class ReporterConfig extends StorageConfig {
  @IsInt() @Min(1) @Max(65535)
  REPORTER_PORT = 3002;

  /** Address the HTTP server binds to (containers: 0.0.0.0). */
  @IsListenHost()
  HOST = DEFAULT_HOST;

  @IsString() @IsNotEmpty()
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** How often the PNG chart set (/charts/*.png) is drawn again for the default range. */
  @IsInt() @Min(1_000) @Max(86_400_000)
  CHART_REFRESH_MS = 30_000;

  /** How often the dashboard page fetches a new snapshot and redraws. */
  @IsInt() @Min(1_000) @Max(3_600_000)
  DASHBOARD_REFRESH_MS = 5_000;

  @IsInt() @Min(320) @Max(4_000)
  CHART_WIDTH = 800;

  @IsInt() @Min(240) @Max(3_000)
  CHART_HEIGHT = 450;

  /** DuckDB worker threads for range queries (0: one per core). */
  @IsInt() @Min(0) @Max(64)
  QUERY_THREADS = 0;

  /** DuckDB memory limit for range queries, e.g. 512MB or 1GB. */
  @Matches(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i)
  QUERY_MEMORY_LIMIT = '512MB';

  /** The processor's Prometheus endpoint, sampled for the live view's DLQ and lag series; empty: not sampled. */
  @IsString()
  PROCESSOR_METRICS_URL = 'http://127.0.0.1:3001/metrics';

  /** How often the processor's metrics are sampled. */
  @IsInt() @Min(1_000) @Max(600_000)
  PROCESSOR_SAMPLE_MS = 10_000;

  get brokers(): string[] {
    return parseList(this.KAFKA_BROKERS);
  }
}
