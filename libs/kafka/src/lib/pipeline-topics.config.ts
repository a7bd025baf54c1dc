import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { parseList } from './load-config';

/** The Kafka settings every app that produces or consumes events shares; app configs extend it. */
export class PipelineTopicsConfig {
  @IsString() @IsNotEmpty()
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString() @IsNotEmpty()
  EVENTS_TOPIC = 'ecommerce.events';

  @IsString() @IsNotEmpty()
  DLQ_TOPIC = 'ecommerce.events.dlq';

  /** Partitions of the topics when the app creates them; existing topics are never altered. */
  @IsInt() @Min(1) @Max(1000)
  TOPIC_PARTITIONS = 3;

  get brokers(): string[] {
    return parseList(this.KAFKA_BROKERS);
  }
}
