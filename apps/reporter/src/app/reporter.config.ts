import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { DEFAULT_HOST, IsListenHost, parseList } from '@pipeline/platform';
import { IsStorageUrl } from '@pipeline/storage';

/** Every setting of the reporter, read from the environment once at start-up. */
export class ReporterConfig {
  @IsInt() @Min(1) @Max(65535)
  REPORTER_PORT = 3002;

  /** Address the HTTP server binds to (containers: 0.0.0.0). */
  @IsListenHost()
  HOST = DEFAULT_HOST;

  @IsString() @IsNotEmpty()
  KAFKA_BROKERS = '127.0.0.1:9092';

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

  /** How often the chart set is drawn again from the stored metrics; the dashboard polls at the same pace. */
  @IsInt() @Min(1_000) @Max(86_400_000)
  CHART_REFRESH_MS = 30_000;

  @IsInt() @Min(320) @Max(4_000)
  CHART_WIDTH = 800;

  @IsInt() @Min(240) @Max(3_000)
  CHART_HEIGHT = 450;

  get brokers(): string[] {
    return parseList(this.KAFKA_BROKERS);
  }
}
