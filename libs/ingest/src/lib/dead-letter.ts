import type { MessageHeaders } from './ingest-batch';

export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  details: 'dlq-details',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  failedAt: 'dlq-failed-at',
} as const;

/** Details are capped so one pathological message cannot produce a header larger than the broker accepts. */
const MAX_DETAILS_BYTES = 4_096;

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: MessageHeaders | undefined;
  reason: string;
  details: string[];
}

/** A refused message as it is published: the original key and bytes, the original headers plus the dlq-* ones. */
export interface DeadLetterRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: MessageHeaders;
}

/** Where refused messages go: the DLQ topic (processor), files on the storage backend (backfill). */
export interface DeadLetterPublisher {
  /** Resolves once the records are durable (acks=all on Kafka): the chunk is committed only after that. */
  publish(records: DeadLetterRecord[]): Promise<void>;
}

/**
 * The dead-letter record keeps the original bytes, key and headers untouched, so it can be replayed
 * into the source topic once fixed, and adds headers saying where it came from and why it was refused.
 */
export function toDeadLetterMessage(letter: DeadLetter, failedAt: Date): DeadLetterRecord {
  let details = JSON.stringify(letter.details);
  if (Buffer.byteLength(details) > MAX_DETAILS_BYTES) details = details.slice(0, MAX_DETAILS_BYTES) + '…';
  return {
    key: letter.key,
    value: letter.value,
    headers: {
      ...(letter.headers ?? {}),
      [DLQ_HEADERS.reason]: letter.reason,
      [DLQ_HEADERS.details]: details,
      [DLQ_HEADERS.sourceTopic]: letter.topic,
      [DLQ_HEADERS.sourcePartition]: String(letter.partition),
      [DLQ_HEADERS.sourceOffset]: letter.offset,
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}
