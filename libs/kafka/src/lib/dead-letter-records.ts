import type { IHeaders, Message, Producer } from 'kafkajs';

/**
 * Dead-letter records that Kafka always accepts. A refused message is copied with its key, bytes and headers,
 * plus a few `dlq-*` headers; three things made such a copy fail (and kafkajs then stop the consumer):
 *   - a header whose value is null (legal in Kafka, but kafkajs' producer throws a TypeError encoding it);
 *   - one `send` carrying every dead letter of a chunk: more bytes than one produce request may hold;
 *   - a copy of a message close to the events topic's limit, plus ~4 KB of headers, over the DLQ's limit.
 * So headers are cleaned, records are fitted to the DLQ topic's `max.message.bytes` (truncated, and marked so,
 * only if they still do not fit) and sends are split by size.
 */
export const DLQ_FIT_HEADERS = {
  /** "true" when the value (and possibly key or original headers) was cut to fit the DLQ topic. */
  truncated: 'dlq-truncated',
  /** Bytes of key + value + headers before truncation. */
  originalSize: 'dlq-original-size',
  /** Comma-separated names of headers left out: null-valued, or original headers dropped to fit. */
  droppedHeaders: 'dlq-dropped-headers',
} as const;

/** Bytes one produce request of dead letters aims for: under the broker's 1 MiB default for a record batch. */
export const DLQ_REQUEST_TARGET_BYTES = 900 * 1024;

/** Record framing (length, attributes, timestamp and offset deltas, varint lengths), generously rounded up. */
const RECORD_OVERHEAD_BYTES = 32;
const HEADER_OVERHEAD_BYTES = 10;
/** A record batch's own header (61 bytes in v2), plus margin: a record alone in its batch must fit with it. */
const BATCH_OVERHEAD_BYTES = 128;
/** Our own `dlq-*` headers stay under this (dlq-details is capped at 4 KB). */
const OWN_HEADER_MAX_BYTES = 8 * 1024;

type HeaderValue = Buffer | string;

/**
 * Only string and Buffer values (and arrays of them, for repeated keys) survive; null or undefined values and
 * anything else are left out and named in `dlq-dropped-headers`, so the record still says they were there.
 */
export function encodableHeaders(headers: IHeaders | undefined): IHeaders {
  const clean: IHeaders = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (isHeaderValue(value)) {
      clean[name] = value;
    } else if (Array.isArray(value)) {
      const kept = (value as unknown[]).filter(isHeaderValue);
      if (kept.length > 0) clean[name] = kept;
      if (kept.length < value.length) dropped.push(name);
    } else {
      dropped.push(name);
    }
  }
  if (dropped.length > 0) clean[DLQ_FIT_HEADERS.droppedHeaders] = joinNames(dropped);
  return clean;
}

/** Kafka's size of one record, as counted against `max.message.bytes` (an upper estimate). */
export function recordBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + byteLength(item as HeaderValue | undefined);
    }
  }
  return bytes;
}

/**
 * The record unchanged when it fits a topic whose `max.message.bytes` is `maxMessageBytes`; otherwise a copy cut
 * down to fit: the value first, then headers that are not `dlq-*` (named in `dlq-dropped-headers`), then the key.
 * A cut record says so (`dlq-truncated: true`, `dlq-original-size`); its `dlq-source-*` headers still point at the
 * full original in the source topic.
 */
export function fitRecord(message: Message, maxMessageBytes: number): Message {
  const limit = maxMessageBytes - BATCH_OVERHEAD_BYTES;
  const originalSize = recordBytes(message);
  if (originalSize <= limit) return message;

  const headers: IHeaders = {
    ...(message.headers ?? {}),
    [DLQ_FIT_HEADERS.truncated]: 'true',
    [DLQ_FIT_HEADERS.originalSize]: String(originalSize),
  };
  let fitted: Message = { ...message, headers };
  const over = () => recordBytes(fitted) - limit;

  if (over() > 0 && fitted.value) fitted = { ...fitted, value: cut(fitted.value, byteLength(fitted.value) - over()) };
  if (over() > 0) {
    // Ours are small (details are capped); anything else, or anything large posing as ours, goes.
    const dropped = Object.keys(headers).filter((name) => !name.startsWith('dlq-') || headerBytes(headers[name]) > OWN_HEADER_MAX_BYTES);
    for (const name of dropped) delete headers[name];
    const previous = headers[DLQ_FIT_HEADERS.droppedHeaders];
    headers[DLQ_FIT_HEADERS.droppedHeaders] = joinNames([...(previous ? [String(previous)] : []), ...dropped]);
  }
  if (over() > 0 && fitted.key) fitted = { ...fitted, key: cut(fitted.key, byteLength(fitted.key) - over()) };
  if (over() > 0) {
    // Only our own headers are left, and they are bounded (details are capped): a limit this small is a misconfiguration.
    throw new Error(`a dead letter cannot be made to fit max.message.bytes=${maxMessageBytes}`);
  }
  return fitted;
}

/** Groups records into produce requests of at most `maxRequestBytes` each; a larger record travels alone. */
export function splitBySize<T extends Pick<Message, 'key' | 'value' | 'headers'>>(messages: readonly T[], maxRequestBytes: number): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = recordBytes(message);
    if (current.length > 0 && currentBytes + bytes > maxRequestBytes) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

export interface DeadLetterSendOptions {
  /** The DLQ topic's `max.message.bytes` (read from the broker at start-up). */
  maxMessageBytes: number;
  /** Bytes per produce request; default DLQ_REQUEST_TARGET_BYTES. */
  maxRequestBytes?: number;
}

/** Sends dead letters so that every one is accepted: fitted to the topic, in size-bounded requests, acks=all. */
export async function sendDeadLetterRecords(
  producer: Pick<Producer, 'send'>,
  topic: string,
  messages: readonly Message[],
  options: DeadLetterSendOptions,
): Promise<{ requests: number; truncated: number }> {
  const fitted = messages.map((m) => fitRecord({ ...m, headers: encodableHeaders(m.headers) }, options.maxMessageBytes));
  const requests = splitBySize(fitted, Math.min(options.maxRequestBytes ?? DLQ_REQUEST_TARGET_BYTES, options.maxMessageBytes));
  for (const request of requests) await producer.send({ topic, acks: -1, messages: request });
  return { requests: requests.length, truncated: fitted.filter((m) => m.headers?.[DLQ_FIT_HEADERS.truncated] === 'true').length };
}

function headerBytes(value: IHeaders[string]): number {
  return (Array.isArray(value) ? value : [value]).reduce((sum, item) => sum + byteLength(item as HeaderValue | undefined), 0);
}

function isHeaderValue(value: unknown): value is HeaderValue {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** The first `bytes` bytes (a string is cut as UTF-8 bytes; a broken last character is acceptable in a truncated copy). */
function cut(value: Buffer | string, bytes: number): Buffer {
  const buffer = typeof value === 'string' ? Buffer.from(value) : value;
  return buffer.subarray(0, Math.max(0, bytes));
}

function joinNames(names: string[]): string {
  const joined = names.join(',');
  return joined.length > 1_024 ? `${joined.slice(0, 1_024)}…` : joined;
}
