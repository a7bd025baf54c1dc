import type { ShopEvent } from '@pipeline/events';
import type { GateResult, QualityReport } from '@pipeline/quality';
import type { EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import { toDeadLetterMessage, type DeadLetter } from './dead-letter';

/** The durable side of the pipeline, as the ingestor needs it (PartitionedEventSink in production). */
export interface EventSinkPort {
  /**
   * Settles a batch an earlier attempt left pending: kept if `committedOffset` is past it, else its files are
   * removed (they will be written again). Returns the hours whose files changed.
   */
  recoverPartition(topic: string, partition: number, committedOffset: string): Promise<{ hours: string[] }>;
  writeBatch(batch: {
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
    events: ShopEvent[];
  }): Promise<{ files: string[]; hours: string[]; writer?: string | null }>;
  /** True while the batch this writer wrote is still pending, i.e. nobody else settled it since. */
  isStillPending(topic: string, partition: number, writer: string): Promise<boolean>;
  completeBatch(topic: string, partition: number): Promise<unknown>;
  /**
   * Stores a chunk's quality report under the hour of its first message's Kafka timestamp (which a replay
   * sees again, so the replay overwrites it). Returns that hour's folder.
   */
  storeQualityReport(chunk: { topic: string; partition: number; firstOffset: string; firstTimestampMs: number }, report: QualityReport): Promise<string>;
}

/** The validation step: contract, record rules, dataset rules (MessageQualityGate in production). */
export interface ValidationGate {
  check(messages: { value: Buffer | null; ref: string }[]): GateResult;
  /** Told once the kept events are durable and committed. */
  commit(kept: readonly ShopEvent[]): void;
  /** Told when a checked chunk was not stored: it will be delivered again. */
  abort(kept: readonly ShopEvent[]): void;
}

export interface FlushReport {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  valid: ShopEvent[];
  deadLetters: DeadLetter[];
  report: QualityReport;
  files: string[];
  hours: string[];
  qualityHour: string;
  durationMs: number;
  /** Messages still behind this flush on the partition (high watermark - next offset). */
  lag: number;
}

export interface MicroBatchIngestorOptions {
  sink: EventSinkPort;
  gate: ValidationGate;
  sendDeadLetters: (messages: Message[]) => Promise<void>;
  /** Upper bound on events per flushed file set (BATCH_MAX_EVENTS). */
  maxEvents: number;
  onFlushed?: (report: FlushReport) => void;
  now?: () => number;
}

type BatchPayload = Pick<
  EachBatchPayload,
  'batch' | 'resolveOffset' | 'heartbeat' | 'commitOffsetsIfNecessary' | 'isRunning' | 'isStale'
> & {
  /** False once a rebalance began after this batch was fetched (BatchServerKafka); absent means always current. */
  isCurrentGeneration?: () => boolean;
};

/**
 * One Kafka fetch batch of one partition -> validated events in storage, refused ones in the DLQ,
 * then (and only then) the committed offset moves. Order per chunk:
 *   validate -> recover -> write files (with pending marker) -> quality report -> DLQ acked -> commit -> clear marker.
 * A crash anywhere before the commit replays the chunk; the sink's recovery removes what the
 * crashed attempt wrote, so a replay never duplicates and a commit never covers unwritten data.
 */
export class MicroBatchIngestor {
  private readonly now: () => number;

  constructor(private readonly options: MicroBatchIngestorOptions) {
    this.now = options.now ?? Date.now;
  }

  async ingest(payload: BatchPayload): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages;
    for (let start = 0; start < messages.length; start += this.options.maxEvents) {
      // A rebalance or shutdown in the middle of a large batch: stop here; what is not committed is replayed.
      if (!this.mayWrite(payload)) return;
      const chunk = messages.slice(start, start + this.options.maxEvents);
      await this.flushChunk(payload, chunk);
    }
  }

  private mayWrite(payload: BatchPayload): boolean {
    return payload.isRunning() && !payload.isStale() && (payload.isCurrentGeneration?.() ?? true);
  }

  private async flushChunk(payload: BatchPayload, chunk: KafkaMessage[]): Promise<void> {
    const started = this.now();
    const { topic, partition } = payload.batch;
    const firstOffset = chunk[0].offset;
    const lastOffset = chunk[chunk.length - 1].offset;

    const checked = this.options.gate.check(chunk.map((m) => ({ value: m.value, ref: `${topic}/${partition}@${m.offset}` })));
    const valid = checked.kept;
    const deadLetters: DeadLetter[] = checked.rejected.map(({ index, reason, details }) => {
      const message = chunk[index];
      return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, reason, details };
    });

    let recovered: { hours: string[] };
    let written: { files: string[]; hours: string[]; writer?: string | null };
    let qualityHour: string;
    const nextOffset = (BigInt(lastOffset) + 1n).toString();
    try {
      // Validation took a while: the partition may have moved since the loop's check.
      if (!this.mayWrite(payload)) throw new StaleBatchError(topic, partition);
      // Kafka delivers from the committed offset, so the first offset of a chunk is the committed one.
      recovered = await this.options.sink.recoverPartition(topic, partition, firstOffset);
      written =
        valid.length > 0
          ? await this.options.sink.writeBatch({ topic, partition, firstOffset, lastOffset, events: valid })
          : { files: [], hours: [] };
      qualityHour = await this.options.sink.storeQualityReport(
        { topic, partition, firstOffset, firstTimestampMs: Number(chunk[0].timestamp) },
        checked.report,
      );
      if (deadLetters.length > 0) {
        const failedAt = new Date(this.now());
        await this.options.sendDeadLetters(deadLetters.map((d) => toDeadLetterMessage(d, failedAt)));
      }
      // Last fence before the commit: if another instance took the partition and settled this batch, stop.
      if (written.writer && !(await this.options.sink.isStillPending(topic, partition, written.writer))) {
        throw new StaleBatchError(topic, partition);
      }
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      });
    } catch (error) {
      this.options.gate.abort(valid);
      throw error;
    }
    if (valid.length > 0) await this.options.sink.completeBatch(topic, partition);
    this.options.gate.commit(valid);
    payload.resolveOffset(lastOffset);

    const highWatermark = BigInt(payload.batch.highWatermark);
    const lag = highWatermark > BigInt(nextOffset) ? Number(highWatermark - BigInt(nextOffset)) : 0;
    this.options.onFlushed?.({
      topic,
      partition,
      firstOffset,
      lastOffset,
      valid,
      deadLetters,
      report: checked.report,
      qualityHour,
      files: written.files,
      hours: [...new Set([...recovered.hours, ...written.hours])],
      durationMs: this.now() - started,
      lag,
    });
    // After the report: the chunk is committed, so it counts even when the heartbeat fails (a rebalance began);
    // kafkajs then rejoins and delivers from the committed offset.
    await payload.heartbeat();
  }
}

/** Thrown instead of writing when the partition may have been reassigned; kafkajs then rejoins and redelivers. */
export class StaleBatchError extends Error {
  /**
   * kafkajs reads a failed batch's `type`: REBALANCE_IN_PROGRESS makes it rejoin the group at once, where any
   * other error makes it retry the fetch with the old assignment (and the group wait for this member).
   */
  readonly type = 'REBALANCE_IN_PROGRESS';

  constructor(topic: string, partition: number) {
    super(`${topic}[${partition}]: the group rebalanced while this batch was in hand; not writing it`);
    this.name = 'StaleBatchError';
  }
}
