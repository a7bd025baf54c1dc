import type { GeneratorStats } from '@pipeline/simulation';

/** What a run is aiming for; both unset means "until interrupted". */
export interface RunLimits {
  count?: number;
  durationMs?: number;
}

export interface ProgressPoint {
  produced: number;
  /** Since the run started. */
  elapsedMs: number;
}

/**
 * One progress line, e.g. `generated 12000/100000 (6000 ev/s, ETA 13s)`. The rate is the recent one (since
 * the previous line), so a stall shows at once; the ETA uses the whole run's average, so it does not jump.
 */
export function formatProgress(now: ProgressPoint, previous: ProgressPoint, limits: RunLimits): string {
  const intervalMs = now.elapsedMs - previous.elapsedMs;
  const recentRate = intervalMs > 0 ? ((now.produced - previous.produced) * 1000) / intervalMs : 0;
  const done = limits.count === undefined ? `${now.produced}` : `${now.produced}/${limits.count}`;
  const eta = etaMs(now, limits);
  const etaText = eta === null ? '' : `, ETA ${formatSeconds(eta)}`;
  return `generated ${done} (${Math.round(recentRate)} ev/s${etaText})`;
}

/** Time left until the nearer of the two limits, or null when there is no limit (or no rate yet). */
export function etaMs(now: ProgressPoint, limits: RunLimits): number | null {
  const candidates: number[] = [];
  if (limits.durationMs !== undefined) candidates.push(Math.max(0, limits.durationMs - now.elapsedMs));
  if (limits.count !== undefined && now.produced > 0 && now.elapsedMs > 0) {
    const averageRate = now.produced / now.elapsedMs;
    candidates.push(Math.max(0, limits.count - now.produced) / averageRate);
  }
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** Whole seconds below ten minutes, then minutes and seconds: `7s`, `9m05s`. */
export function formatSeconds(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 600) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * The final line: how many, how fast, the mix by event type and the faults injected, e.g.
 * `done (count): 1000 messages in 2.1s (476 ev/s); page_view=612 search=120 ...; faults injected: 0; sent 1000, failed 0`.
 */
export function formatSummary(stats: GeneratorStats, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(stats.produced / seconds) : 0;
  const byType = Object.entries(stats.byEventType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type}=${n}`);
  if (stats.unparseable > 0) byType.push(`unparseable=${stats.unparseable}`);
  const faultEntries = Object.entries(stats.faultsByKind).sort(([a], [b]) => a.localeCompare(b));
  const faultTotal = faultEntries.reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const faults = faultTotal === 0 ? '0' : `${faultTotal} (${faultEntries.map(([kind, n]) => `${kind}=${n}`).join(' ')})`;
  return (
    `done (${stats.stopReason ?? 'unknown'}): ${stats.produced} messages in ${seconds.toFixed(1)}s (${rate} ev/s); ` +
    `${byType.length > 0 ? byType.join(' ') : 'no events'}; faults injected: ${faults}; ` +
    `sent ${stats.published}, failed ${stats.failed}`
  );
}

/** Writes a progress line every `intervalMs` while a run lasts; short runs print none. */
export class ProgressReporter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private previous: ProgressPoint = { produced: 0, elapsedMs: 0 };
  private startedAt = 0;

  constructor(
    private readonly produced: () => number,
    private readonly write: (line: string) => void,
    private readonly limits: RunLimits,
    private readonly clock: () => number,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    this.startedAt = this.clock();
    this.previous = { produced: 0, elapsedMs: 0 };
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // Progress must never be what keeps the process alive.
    this.timer.unref();
  }

  tick(): void {
    const now = { produced: this.produced(), elapsedMs: this.clock() - this.startedAt };
    this.write(formatProgress(now, this.previous, this.limits));
    this.previous = now;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
