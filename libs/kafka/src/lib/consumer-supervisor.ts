/**
 * Whether the consumer is really consuming, and what to do when kafkajs stops it. kafkajs stops a consumer for good
 * on a "non-retriable" crash (any TypeError or RangeError thrown by a handler, some broker errors) and restarts it
 * by itself only on retriable ones; either way nothing outside kafkajs used to notice. The supervisor follows the
 * consumer's events, restarts it with exponential backoff when kafkajs will not, and gives up (so the process can
 * exit non-zero and be restarted by its supervisor) after `maxRestarts` attempts in a row that never got the consumer
 * back into its group for `stableMs`. Joining alone does not end a row: a consumer that crashes on its first fetch
 * after every join (a batch kafkajs cannot decode, a bug) rejoins within a second each time, and counting from each
 * join kept it restarting forever at "attempt 1".
 */
export type ConsumerState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface ConsumerSupervisorOptions {
  /** Restarts in a row (without the consumer staying in its group for stableMs in between) before giving up. */
  maxRestarts?: number;
  /** How long the consumer must stay in its group after a join for the restarts before it to stop counting. Default 60 s. */
  stableMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A running consumer completes a fetch at least every maxWaitTimeInMs and heartbeats every heartbeatInterval; with
   * neither for this long (a broker gone, kafkajs stuck retrying) it is reported as not consuming. Default 15 s.
   */
  inactivityMs?: number;
  now?: () => number;
}

export interface ConsumerStatus {
  state: ConsumerState;
  /** Restarts in a row: since the consumer last stayed in its group for stableMs. */
  restarts: number;
  since: string;
  lastError: string | null;
  /** Partitions of this member's current assignment, by topic. */
  assignment: Record<string, number[]>;
}

export class ConsumerSupervisor {
  readonly maxRestarts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private state: ConsumerState = 'starting';
  private since: number;
  private restarts = 0;
  private lastError: string | null = null;
  private assignment: Record<string, number[]> = {};
  private readonly inactivityMs: number;
  private readonly stableMs: number;
  private lastActivity: number;
  /** When the consumer last joined its group; null while it is out of it. */
  private joinedAt: number | null = null;

  constructor(options: ConsumerSupervisorOptions = {}) {
    this.maxRestarts = options.maxRestarts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.inactivityMs = options.inactivityMs ?? 15_000;
    this.stableMs = options.stableMs ?? 60_000;
    this.since = this.now();
    this.lastActivity = this.since;
  }

  /** A fetch or heartbeat completed: the consumer is talking to the broker. */
  active(): void {
    this.lastActivity = this.now();
  }

  /** Milliseconds since the last fetch or heartbeat. */
  get idleMs(): number {
    return this.now() - this.lastActivity;
  }

  /** Running, and fetched or heartbeated within the inactivity limit. */
  get isConsuming(): boolean {
    return this.state === 'running' && this.idleMs <= this.inactivityMs;
  }

  /** The consumer joined its group and has partitions (or none, which is fine): it is consuming. */
  joined(assignment: Record<string, number[]>): void {
    this.assignment = assignment;
    this.joinedAt = this.now();
    this.lastActivity = this.joinedAt;
    this.set('running');
  }

  /** kafkajs stopped the consumer (a crash, or a stop nobody here asked for). */
  stopped(error: string | null): void {
    if (this.state === 'failed') return;
    if (error !== null) this.lastError = error;
    if (this.joinedAt !== null && this.now() - this.joinedAt >= this.stableMs) this.restarts = 0;
    this.joinedAt = null;
    this.assignment = {};
    this.set('stopped');
  }

  /**
   * A restart begins (ours, or kafkajs' own). Returns the delay to wait before it, or null when the restarts are
   * used up: the consumer is then 'failed' for good.
   */
  restarting(): number | null {
    if (this.state === 'failed') return null;
    if (this.restarts >= this.maxRestarts) {
      this.set('failed');
      return null;
    }
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.restarts);
    this.restarts++;
    this.set('restarting');
    return delay;
  }

  /** We are shutting down: a stop now is expected. */
  closing(): void {
    this.set('stopped');
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  get current(): ConsumerState {
    return this.state;
  }

  status(): ConsumerStatus {
    return {
      state: this.state,
      restarts: this.restarts,
      since: new Date(this.since).toISOString(),
      lastError: this.lastError,
      assignment: this.assignment,
    };
  }

  private set(state: ConsumerState): void {
    if (state !== this.state) this.since = this.now();
    this.state = state;
  }
}
