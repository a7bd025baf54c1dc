import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { parseList } from '@pipeline/platform';

export class ReporterConfig {
  @IsInt() @Min(1) @Max(65535)
  REPORTER_PORT = 3002;

  @IsString() @IsNotEmpty()
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString() @IsNotEmpty()
  DATA_DIR = 'data';

  get brokers(): string[] {
    return parseList(this.KAFKA_BROKERS);
  }
}
