import type { ShopEvent } from '@pipeline/events';
import type { CommittedBatchFiles, GateResult, QualityReport } from '@pipeline/quality';
import type { PartitionedEventSink, WrittenBatch } from '@pipeline/storage';
import { toDeadLetterMessage, type DeadLetter, type DeadLetterPublisher } from './dead-letter';
import { SILENT_LOGGER, type BatchControl, type IngestBatch, type IngestLogger, type IngestMessage } from './ingest-batch';

/** The exactly-once sink as the ingestor uses it; PartitionedEventSink implements it. */
export type EventSink = Pick<PartitionedEventSink, 'recoverPartition' | 'writeBatch' | 'isStillPending' | 'completeBatch'>;

/** The validation step: contract, record rules, dataset rules (MessageQualityGate implements it). */
export interface ValidationGate {
  /** `refOf(index)`: where a message came from (e.g. `ecommerce.events/1@20417`), asked only for refused ones. */
  check(messages: { value: Buffer | null; ref?: string; timestampMs?: number }[], refOf?: (index: number) => string): Promise<GateResult>;
  /** Told once the kept events (the array `check` returned) are durable and committed, with what their batch wrote. */
  commit(kept: readonly ShopEvent[], written: CommittedBatchFiles): void;
  /** Told when a checked chunk (the array `check` returned) was not stored: it will be delivered again. */
  abort(kept: readonly ShopEvent[]): void;
}

/** Where a chunk's quality report goes; returns the hour (PartitionPath string) it was filed under. */
export interface QualityReportSink {
  /** Filed under the hour of the chunk's first message timestamp, which a replay sees again (so it overwrites it). */
  storeChunkReport(chunk: { topic: string; partition: number; firstOffset: string; firstTimestampMs: number }, report: QualityReport): Promise<string>;
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
  sink: EventSink;
  gate: ValidationGate;
  qualityReports: QualityReportSink;
  deadLetters: DeadLetterPublisher;
  /** Upper bound on events per flushed file set (BATCH_MAX_EVENTS). */
  maxEvents: number;
  onFlushed?: (report: FlushReport) => void;
  now?: () => number;
  logger?: IngestLogger;
}

/**
 * One batch of one partition -> validated events in storage, refused ones dead-lettered, then (and only then) the
 * committed offset moves. Order per chunk:
 *   validate -> recover -> write files (with pending marker) -> quality report -> dead letters acked -> commit -> clear marker.
 * A crash anywhere before the commit replays the chunk; the sink's recovery removes what the
 * crashed attempt wrote, so a replay never duplicates and a commit never covers unwritten data.
 */
export class MicroBatchIngestor {
  private readonly now: () => number;
  private readonly logger: IngestLogger;

  constructor(private readonly options: MicroBatchIngestorOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  async ingest(batch: IngestBatch, control: BatchControl): Promise<void> {
    const messages = batch.messages;
    for (let start = 0; start < messages.length; start += this.options.maxEvents) {
      // A rebalance or shutdown in the middle of a large batch: stop here; what is not committed is replayed.
      if (!control.isCurrent()) return;
      await this.flushChunk(batch, messages.slice(start, start + this.options.maxEvents), control);
    }
  }

  private async flushChunk(batch: IngestBatch, chunk: readonly IngestMessage[], control: BatchControl): Promise<void> {
    const started = this.now();
    const { topic, partition } = batch;
    const { sink, gate } = this.options;
    const firstOffset = chunk[0].offset;
    const lastOffset = chunk[chunk.length - 1].offset;

    const ingestTimes = batch.timestampKind !== 'event';
    const checked = await gate.check(
      chunk.map((m) => ({ value: m.value, timestampMs: ingestTimes ? kafkaTimestampMs(m.timestamp) : undefined })),
      (index) => `${topic}/${partition}@${chunk[index].offset}`,
    );
    const valid = checked.kept;
    const deadLetters: DeadLetter[] = checked.rejected.map(({ index, reason, details }) => {
      const message = chunk[index];
      return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, reason, details };
    });

    let recoveredHours: string[];
    let written: WrittenBatch;
    let qualityHour: string;
    const nextOffset = (BigInt(lastOffset) + 1n).toString();
    try {
      // Validation took a while: the partition may have moved since the loop's check.
      if (!control.isCurrent()) throw new StaleBatchError(topic, partition);
      // Kafka delivers from the committed offset, so the first offset of a chunk is the committed one.
      const recovery = await sink.recoverPartition(topic, partition, firstOffset);
      if (recovery.outcome !== 'no_pending_batch') {
        this.logger.warn(
          `Recovered ${topic}[${partition}] at offset ${firstOffset}: ${recovery.outcome}, removed ${recovery.removed.length} files of an earlier attempt`,
        );
      }
      recoveredHours = recovery.hours;
      written = valid.length > 0 ? await sink.writeBatch({ topic, partition, firstOffset, lastOffset, events: valid }) : { files: [], idFiles: [], hours: [], writer: null };
      qualityHour = await this.options.qualityReports.storeChunkReport(
        { topic, partition, firstOffset, firstTimestampMs: Number(chunk[0].timestamp) },
        checked.report,
      );
      if (deadLetters.length > 0) {
        const failedAt = new Date(this.now());
        await this.options.deadLetters.publish(deadLetters.map((d) => toDeadLetterMessage(d, failedAt)));
      }
      // Last fence before the commit: if another instance took the partition and settled this batch, stop.
      if (written.writer && !(await sink.isStillPending(topic, partition, written.writer))) {
        throw new StaleBatchError(topic, partition);
      }
      await control.commit(nextOffset);
    } catch (error) {
      gate.abort(valid);
      throw error;
    }
    if (valid.length > 0) await sink.completeBatch(topic, partition);
    gate.commit(valid, written);

    const highWatermark = BigInt(batch.highWatermark);
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
      hours: [...new Set([...recoveredHours, ...written.hours])],
      durationMs: this.now() - started,
      lag,
    });
    // After the report: the chunk is committed, so it counts even when the heartbeat fails (a rebalance began);
    // kafkajs then rejoins and delivers from the committed offset.
    await control.heartbeat();
  }
}

/** The message's Kafka timestamp in ms, or undefined when it has none (then the rules use the wall clock). */
function kafkaTimestampMs(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined || timestamp === '') return undefined;
  const ms = Number(timestamp);
  // -1 is Kafka's "no timestamp".
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
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
