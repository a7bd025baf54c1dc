/** Target throughput in events per second, or 'max' for no pacing at all. */
export type Rate = number | 'max';

export const MIN_RATE = 1;
export const MAX_RATE = 1_000_000;

export function isValidRate(rate: unknown): rate is Rate {
  return rate === 'max' || (typeof rate === 'number' && Number.isFinite(rate) && rate >= MIN_RATE && rate <= MAX_RATE);
}

/** Monotonic epoch milliseconds: Date.now() can jump with NTP, performance.now() cannot. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface RatePacerOptions {
  /** Milliseconds; injectable for tests. Default: monotonic epoch ms. */
  clock?: () => number;
  /**
   * Most debt the pacer will try to catch up on after a stall (slow sink, GC pause), as time at the target
   * rate. Beyond it the debt is forgiven: a sink that cannot keep up should not get a burst when it recovers.
   * Default 1,000 ms.
   */
  maxCatchUpMs?: number;
}

/**
 * Steady pacing without drift or bursts: the number of messages due at time t is
 * floor(rate * (t - anchor)) minus what was already taken since the anchor. Counting from a fixed anchor
 * (rather than sleeping 1/rate between sends) keeps the long-run rate exact whatever the timer jitter.
 */
export class RatePacer {
  private readonly clock: () => number;
  private readonly maxCatchUpMs: number;
  private currentRate: Rate;
  private anchorTime: number;
  /** Messages taken before the anchor (they do not count against the new schedule). */
  private anchorTaken = 0;
  private taken = 0;

  constructor(rate: Rate, options: RatePacerOptions = {}) {
    assertRate(rate);
    this.currentRate = rate;
    this.clock = options.clock ?? monotonicNow;
    this.maxCatchUpMs = options.maxCatchUpMs ?? 1_000;
    this.anchorTime = this.clock();
  }

  get rate(): Rate {
    return this.currentRate;
  }

  /** Total messages taken since construction. */
  get takenTotal(): number {
    return this.taken;
  }

  now(): number {
    return this.clock();
  }

  /** Starts the schedule afresh at `now` (e.g. when a run starts). */
  restart(now = this.clock()): void {
    this.anchorTime = now;
    this.anchorTaken = this.taken;
  }

  /** Changes the rate from `now` on. The schedule restarts there, so no backlog turns into a burst. */
  setRate(rate: Rate, now = this.clock()): void {
    assertRate(rate);
    this.currentRate = rate;
    this.restart(now);
  }

  /** How many messages are due at `now` and not taken yet (Infinity at 'max'). */
  due(now = this.clock()): number {
    if (this.currentRate === 'max') return Number.POSITIVE_INFINITY;
    const owed = this.scheduledBy(now) - (this.taken - this.anchorTaken);
    const cap = Math.max(1, Math.floor((this.currentRate * this.maxCatchUpMs) / 1000));
    if (owed > cap) {
      // Forgive the debt beyond the cap by moving the baseline, not the anchor: the phase of the schedule stays.
      this.anchorTaken -= owed - cap;
      return cap;
    }
    return Math.max(0, owed);
  }

  /** Records that `count` messages were sent. */
  take(count: number): void {
    this.taken += count;
  }

  /** Milliseconds until the next message is due (0 if one is due now). */
  msUntilNext(now = this.clock()): number {
    if (this.currentRate === 'max' || this.due(now) > 0) return 0;
    const nextIndex = this.taken - this.anchorTaken + 1;
    const dueAt = this.anchorTime + Math.ceil((nextIndex * 1000) / this.currentRate);
    return Math.max(1, dueAt - now);
  }

  private scheduledBy(now: number): number {
    const elapsed = now - this.anchorTime;
    if (elapsed <= 0) return 0;
    // The epsilon absorbs float error so that at exactly k/rate seconds k messages are due, not k - 1.
    return Math.floor((elapsed * (this.currentRate as number)) / 1000 + 1e-9);
  }
}

function assertRate(rate: Rate): void {
  if (!isValidRate(rate)) {
    throw new RangeError(`rate must be a number of events/s between ${MIN_RATE} and ${MAX_RATE}, or 'max'; got ${String(rate)}`);
  }
}
