import type { GeneratedMessage } from './faults';
import type { MessageSource } from './simulation';

/**
 * Resuming a killed `--count` run without sending again what the topic already has. The stream of a seed (and
 * options) is deterministic, so a message is named by its run and its position in the stream: every message of a run
 * carries both as headers. Per partition, the messages of a run are stored in stream order (one idempotent producer,
 * one request in flight, one batch after another; a retried batch is written once and in order), so what the topic
 * holds of a run is, per partition, every message up to the highest position stored there: a message is in the topic
 * exactly when its position is at most the highest stored in its partition.
 */

/** Header naming the run a message belongs to: its seed and a hash of the options that shape the stream. */
export const HEADER_GENERATOR_RUN = 'x-generator-run';
/** Header with the message's position in its run's stream, from 0. */
export const HEADER_GENERATOR_SEQ = 'x-generator-seq';

/** Numbers each message of a source and names its run in its headers. */
export class SequencedSource implements MessageSource {
  private seq = 0;

  constructor(
    private readonly source: MessageSource,
    readonly runId: string,
  ) {}

  /** Position of the next message. */
  get nextSeq(): number {
    return this.seq;
  }

  next(): GeneratedMessage {
    const message = this.source.next();
    const headers = { ...message.headers, [HEADER_GENERATOR_RUN]: this.runId, [HEADER_GENERATOR_SEQ]: String(this.seq++) };
    return { ...message, headers };
  }
}

/** What the topic holds of a run. */
export interface StoredRun {
  /** Highest position of the run stored in each partition; a partition without any is absent. */
  maxSeqByPartition: ReadonlyMap<number, number>;
  /** The partition a message key goes to (the producer's partitioner). */
  partitionOf(key: string): number;
}

export interface ResumedStream {
  /** The messages still to send, in stream order. */
  source: MessageSource;
  /** Messages of the first `count` that the topic holds already: skipped. */
  skipped: number;
  /** Messages still to send: count - skipped. */
  remaining: number;
}

/**
 * The rest of a run of `count` messages: skips every message the topic holds (per `stored`) and numbers the others as
 * the full run would. Messages past the highest stored position are all sent; the ones before it that the topic lacks
 * (a batch in flight when the run was killed: written to some partitions, not to others) are kept in order in a buffer,
 * at most what was in flight.
 */
export function resumeStream(source: SequencedSource, stored: StoredRun, count: number): ResumedStream {
  if (source.nextSeq !== 0) throw new Error('resumeStream needs a source at the start of its stream');
  let highest = -1;
  for (const seq of stored.maxSeqByPartition.values()) highest = Math.max(highest, seq);
  const scanned = Math.min(highest + 1, count);
  const missing: GeneratedMessage[] = [];
  for (let seq = 0; seq < scanned; seq++) {
    const message = source.next();
    if (seq > (stored.maxSeqByPartition.get(stored.partitionOf(message.key)) ?? -1)) missing.push(message);
  }
  let next = 0;
  const resumed: MessageSource = {
    next: () => (next < missing.length ? missing[next++] : source.next()),
  };
  const skipped = scanned - missing.length;
  return { source: resumed, skipped, remaining: count - skipped };
}
