import type { ShopEvent } from '@pipeline/events';
import { toEpochMillis } from './dataset';
import { IdFingerprintSet } from './id-fingerprints';

export const HOUR_MS = 3_600_000;

/** First millisecond of the UTC hour containing `epochMs` (the same hour as the storage partition). */
export function hourStartMs(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

/**
 * The event ids one UTC hour has stored so far, kept by the processor across micro-batches so a redelivered
 * or re-sent event is caught even when its copies land in different batches or files.
 * Fingerprint-based (see IdFingerprintSet): 11-23 bytes per id; the chance of one false "seen" in an hour
 * is ~3e-8 at a million ids. An exact answer for a whole hour comes from findDuplicateIds over the stored ids.
 */
export class SeenIds {
  private readonly fingerprints: IdFingerprintSet;

  constructor(
    readonly hourStartMs: number,
    expectedSize?: number,
  ) {
    this.fingerprints = new IdFingerprintSet(expectedSize);
  }

  get size(): number {
    return this.fingerprints.size;
  }

  has(eventId: string): boolean {
    return this.fingerprints.has(eventId);
  }

  /** Records the id; false when it had been seen already. */
  add(eventId: string): boolean {
    return this.fingerprints.add(eventId);
  }
}

/**
 * SeenIds per event-time hour. Dataset rules only read it; the processor records a batch's events
 * after the batch is stored, so a batch that is retried after a failed write is not reported as its own duplicate.
 */
export class HourlySeenIds {
  private readonly hours = new Map<number, SeenIds>();

  /** The hour's set, created on first use. */
  forHour(startMs: number): SeenIds {
    const key = hourStartMs(startMs);
    let seen = this.hours.get(key);
    if (!seen) {
      seen = new SeenIds(key);
      this.hours.set(key, seen);
    }
    return seen;
  }

  has(eventId: string, eventTimeMs: number): boolean {
    return this.hours.get(hourStartMs(eventTimeMs))?.has(eventId) ?? false;
  }

  add(eventId: string, eventTimeMs: number): boolean {
    return this.forHour(eventTimeMs).add(eventId);
  }

  /** Records stored events under the hour of their event_time (events without a readable time are skipped). */
  recordEvents(events: readonly ShopEvent[]): void {
    for (const event of events) {
      const time = toEpochMillis(event.event_time);
      if (time !== null) this.add(event.event_id, time);
    }
  }

  /** Hours held, oldest first (epoch ms of their start). */
  heldHours(): number[] {
    return [...this.hours.keys()].sort((a, b) => a - b);
  }

  /** Forgets hours that start before `epochMs`; call once an hour can no longer receive late events. */
  evictBefore(epochMs: number): void {
    for (const key of this.hours.keys()) if (key < epochMs) this.hours.delete(key);
  }
}
