/** Message headers as Kafka carries them (the shape of kafkajs' IHeaders, so its messages fit without a copy). */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** One message of a batch: what the ingestor reads of a Kafka message, or of an NDJSON line in a backfill. */
export interface IngestMessage {
  /** Decimal string: Kafka offsets are int64. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Epoch ms as a decimal string (Kafka's message timestamp); the chunk's quality report is filed under its hour. */
  timestamp: string;
  headers?: MessageHeaders;
}

/** Consecutive messages of one topic-partition, in offset order. */
export interface IngestBatch {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** The offset after the newest message of the partition when the batch was fetched: gives the lag. */
  highWatermark: string;
  messages: readonly IngestMessage[];
  /**
   * What the messages' timestamps mean. `ingest` (Kafka's): when the message reached the pipeline, which the time
   * rules judge "in the future" and "too old" against. `event`: a stand-in taken from the event itself (a backfill),
   * so the rules use the wall clock instead. Default `ingest`.
   */
  timestampKind?: 'ingest' | 'event';
}

/** What the source of a batch lets the ingestor do with it (Kafka's group protocol; nothing for a backfill). */
export interface BatchControl {
  /** False once nothing more of the batch may be written: a rebalance began, the consumer stops, the fetch went stale. */
  isCurrent(): boolean;
  /** Makes `nextOffset` (the offset after the last stored message) the committed position. */
  commit(nextOffset: string): Promise<void>;
  /** Tells the group this member is alive; rejects when a rebalance began. */
  heartbeat(): Promise<void>;
}

/** A batch nobody else can take away and whose position is nowhere to commit: a file being backfilled. */
export const UNCONTESTED_BATCH: BatchControl = {
  isCurrent: () => true,
  commit: async () => undefined,
  heartbeat: async () => undefined,
};

/** Where the ingest path reports what it does (Nest's Logger fits); framework-free code cannot pick a logger itself. */
export interface IngestLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const SILENT_LOGGER: IngestLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
