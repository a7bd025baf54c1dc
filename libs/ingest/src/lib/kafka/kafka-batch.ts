import type { KafkaBatchMessage, PoisonMessage } from '@pipeline/kafka';
import { toDeadLetterMessage, type DeadLetterRecord } from '../dead-letter';
import type { BatchControl, IngestBatch } from '../ingest-batch';

/** kafkajs' eachBatch payload as a plain batch and its group-protocol controls (kafkajs messages fit as they are). */
export function fromKafka(payload: KafkaBatchMessage): [IngestBatch, BatchControl] {
  const { batch } = payload;
  const control: BatchControl = {
    isCurrent: () => payload.isRunning() && !payload.isStale() && payload.isCurrentGeneration(),
    commit: async (nextOffset) => {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] }] });
      payload.resolveOffset((BigInt(nextOffset) - 1n).toString());
    },
    heartbeat: () => payload.heartbeat(),
  };
  const messages = batch.messages;
  const first = messages[0]?.offset ?? batch.firstOffset() ?? '0';
  const last = messages[messages.length - 1]?.offset ?? first;
  return [{ topic: batch.topic, partition: batch.partition, firstOffset: first, lastOffset: last, highWatermark: batch.highWatermark, messages }, control];
}

/** The dead letter of a message that failed its batch every time (BatchServerKafka isolated it): `processing_error`. */
export function poisonDeadLetter({ batch, message, error }: PoisonMessage, failedAt: Date): DeadLetterRecord {
  const { topic, partition } = batch.batch;
  const letter = { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, reason: 'processing_error', details: [error] };
  return toDeadLetterMessage(letter, failedAt);
}
