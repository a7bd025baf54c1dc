import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BatchErrorPassthroughFilter, type KafkaBatchMessage, type PoisonMessage } from '@pipeline/kafka';
import { IngestService } from './ingest.service';

/** Pattern BatchServerKafka routes the configured EVENTS_TOPIC's batches to. */
export const INGEST_BATCH_PATTERN = 'processor.ingest-batch';
/** Pattern of a message that failed its batch every time (BatchServerKafka found it): dead-letter it. */
export const POISON_MESSAGE_PATTERN = 'processor.poison-message';

/** The Kafka side of the processor: each fetched batch of one partition arrives here. */
@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @EventPattern(INGEST_BATCH_PATTERN)
  // kafkajs must see a failed batch's own error: a rebalance error makes it rejoin at once.
  @UseFilters(new BatchErrorPassthroughFilter())
  onBatch(@Payload() message: KafkaBatchMessage): Promise<void> {
    return this.ingest.kafka.ingest(message);
  }

  @EventPattern(POISON_MESSAGE_PATTERN)
  @UseFilters(new BatchErrorPassthroughFilter())
  onPoison(@Payload() poison: PoisonMessage): Promise<void> {
    return this.ingest.kafka.deadLetterPoison(poison);
  }
}
