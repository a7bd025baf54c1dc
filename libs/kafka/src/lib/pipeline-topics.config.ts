import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { parseList } from '@pipeline/platform';
import { DEFAULT_DLQ_TOPIC, DEFAULT_EVENTS_TOPIC } from './topics';

/** The Kafka settings every app that produces or consumes events shares; app configs extend it. */
export class PipelineTopicsConfig {
  @IsString() @IsNotEmpty()
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString() @IsNotEmpty()
  EVENTS_TOPIC = DEFAULT_EVENTS_TOPIC;

  @IsString() @IsNotEmpty()
  DLQ_TOPIC = DEFAULT_DLQ_TOPIC;

  /** Partitions of the topics when the app creates them; existing topics are never altered. */
  @IsInt() @Min(1) @Max(1000)
  TOPIC_PARTITIONS = 3;

  get brokers(): string[] {
    return parseList(this.KAFKA_BROKERS);
  }
}
