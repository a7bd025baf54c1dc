import type { GeneratedMessage } from './faults';
import type { MessageSource } from './simulation';

/**
 * Resuming a killed `--count` run without sending again what the topic already has, with nothing added to the
 * messages. The stream of a seed (and options) is deterministic, so a message read back from the topic is found in
 * the regenerated stream by its content: its key (the session id) and its value with every digit masked. Digits are
 * the only bytes the real clock changes (event times as ISO strings or epoch numbers, of fixed width), so the match
 * also holds for a run without `--start-time`; fault-injected messages (no parsable event id, or another event's id)
 * are matched like any other.
 *
 * Per partition, the messages of a run are stored in stream order (one idempotent producer, one request in flight,
 * one batch after another; a retried batch is written once and in order), so what the topic holds of a run is, per
 * partition, every message up to the position of the newest one of the run stored there: a message is in the topic
 * exactly when its position is at most that one's.
 */

/** A message's identity within its run's stream: the same for the message read back and its regenerated self. */
export type MessageFingerprint = string;

/**
 * The key and a 64-bit hash (two 32-bit FNV-1a lanes) of the value with each ASCII digit read as '0'. Two messages
 * of one stream share a fingerprint only if they are of the same session and equal but for digits (rare: see
 * locateRun, which refuses to guess when it matters).
 */
export function messageFingerprint(key: string | null, value: Uint8Array | null): MessageFingerprint {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ (value?.length ?? -1);
  if (value) {
    for (let i = 0; i < value.length; i++) {
      let byte = value[i];
      if (byte >= 0x30 && byte <= 0x39) byte = 0x30;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte, 0x5bd1e995) ^ (b >>> 15);
    }
  }
  return `${key ?? ''}\u0000${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

/** What the topic holds of a run. */
export interface StoredRun {
  /** Highest position of the run stored in each partition; a partition without any is absent. */
  maxSeqByPartition: ReadonlyMap<number, number>;
  /** The partition a message key goes to (the producer's partitioner). */
  partitionOf(key: string): number;
}

/**
 * Finds a run in the ends of its partitions: given, per partition, the fingerprints of its last messages (oldest
 * first), the position of the newest message of the run in each. A partition absent from the result holds none of
 * the run in the part given (read further back, or it holds none).
 */
export type RunLocator = (tails: ReadonlyMap<number, readonly MessageFingerprint[]>, partitionOf: (key: string) => number) => Map<number, number>;

/**
 * A RunLocator that regenerates the run's `count` messages from `newStream` (a fresh stream of the run's seed and
 * options, without sending anything) and matches them to the tails.
 */
export function runLocator(newStream: () => MessageSource, count: number): RunLocator {
  return (tails, partitionOf) => locateRun(newStream(), count, partitionOf, tails);
}

interface Candidate {
  seq: number;
  /** Fingerprint of the run's message before this one in the same partition (undefined for the first). */
  previous: MessageFingerprint | undefined;
}

/**
 * The position of the newest message of the run in each partition's tail. Two messages of the stream with the same
 * fingerprint in one partition (a duplicate_event_id fault that copies an earlier event of its own session nearly
 * byte for byte) are told apart by the message before each; if that does not settle it, this throws rather than
 * guess (a wrong guess would send a message twice or leave one out).
 */
export function locateRun(
  stream: MessageSource,
  count: number,
  partitionOf: (key: string) => number,
  tails: ReadonlyMap<number, readonly MessageFingerprint[]>,
): Map<number, number> {
  const wanted = new Map<number, Set<MessageFingerprint>>();
  for (const [partition, tail] of tails) wanted.set(partition, new Set(tail));
  const candidates = new Map<number, Map<MessageFingerprint, Candidate[]>>();
  const previousInPartition = new Map<number, MessageFingerprint>();
  for (let seq = 0; seq < count; seq++) {
    const message = stream.next();
    const partition = partitionOf(message.key);
    const inTail = wanted.get(partition);
    if (!inTail) continue;
    const fingerprint = messageFingerprint(message.key, message.value);
    if (inTail.has(fingerprint)) {
      let byFingerprint = candidates.get(partition);
      if (!byFingerprint) candidates.set(partition, (byFingerprint = new Map()));
      const list = byFingerprint.get(fingerprint);
      const candidate = { seq, previous: previousInPartition.get(partition) };
      if (list) list.push(candidate);
      else byFingerprint.set(fingerprint, [candidate]);
    }
    previousInPartition.set(partition, fingerprint);
  }

  const newest = new Map<number, number>();
  for (const [partition, tail] of tails) {
    const byFingerprint = candidates.get(partition);
    if (!byFingerprint) continue;
    for (let i = tail.length - 1; i >= 0; i--) {
      let found = byFingerprint.get(tail[i]);
      if (!found) continue;
      if (found.length > 1 && i > 0) found = found.filter((c) => c.previous === tail[i - 1]);
      if (found.length !== 1) {
        throw new Error(
          `partition ${partition}: the newest message of the run there matches ${found.length === 0 ? 'no' : found.length} positions of the stream ` +
            'equally well (messages that differ only in digits); cannot tell what was sent',
        );
      }
      newest.set(partition, found[0].seq);
      break;
    }
  }
  return newest;
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
 * The rest of a run of `count` messages: skips every message the topic holds (per `stored`). `source` is a fresh
 * stream of the run (at its position 0). Messages past the highest stored position are all sent; the ones before it
 * that the topic lacks (a batch in flight when the run was killed: written to some partitions, not to others) are
 * kept in order in a buffer, at most what was in flight.
 */
export function resumeStream(source: MessageSource, stored: StoredRun, count: number): ResumedStream {
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
