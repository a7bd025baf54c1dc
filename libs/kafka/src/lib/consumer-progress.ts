import type { Admin } from 'kafkajs';
import type { ConsumerSupervisor } from './consumer-supervisor';

/** One partition as the lag monitor last saw it. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  highWatermark: string;
  /** The group's committed offset (next offset to consume); null when the group has none yet. */
  committed: string | null;
  /** highWatermark - committed (from the log start when nothing is committed). */
  lag: number;
}

/**
 * The group's real progress, from the broker: per partition, high watermark and committed offset (kafkajs admin
 * `fetchTopicOffsets` + `fetchOffsets`). Asked periodically, so lag keeps moving when nothing is consumed, which is
 * exactly when it matters (a consumer that stopped).
 */
export async function fetchGroupProgress(admin: Admin, groupId: string, topic: string): Promise<PartitionProgress[]> {
  const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedByPartition = new Map(
    (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset] as const),
  );
  return offsets
    .map((o) => {
      const raw = committedByPartition.get(o.partition);
      const hasCommit = raw !== undefined && raw !== '-1' && raw !== '';
      const from = BigInt(hasCommit ? raw : o.low);
      const lag = BigInt(o.high) > from ? Number(BigInt(o.high) - from) : 0;
      return { topic, partition: o.partition, highWatermark: o.high, committed: hasCommit ? raw : null, lag };
    })
    .sort((a, b) => a.partition - b.partition);
}

/**
 * Remembers when each partition's committed offset last moved, and answers "stalled": a partition assigned to this
 * member whose committed offset has not advanced for `stallTimeoutMs` although it has lag. Time starts no earlier
 * than the partition's assignment to this member: a new owner is not blamed for the previous owner's silence.
 */
export class CommitProgress {
  private readonly committed = new Map<string, { offset: string | null; movedAt: number }>();
  private readonly latest = new Map<string, PartitionProgress>();
  private readonly assignedAt = new Map<string, number>();
  private lastCommitMs: number | null = null;

  constructor(
    readonly stallTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  observe(samples: readonly PartitionProgress[]): void {
    const now = this.now();
    for (const sample of samples) {
      const key = `${sample.topic}/${sample.partition}`;
      const known = this.committed.get(key);
      if (!known || known.offset !== sample.committed) {
        this.committed.set(key, { offset: sample.committed, movedAt: now });
        if (known && sample.committed !== null) this.lastCommitMs = now;
      }
      this.latest.set(key, sample);
    }
  }

  /** A commit of ours: the committed offset moved now (the monitor would see it at its next poll). */
  committedNow(topic: string, partition: number, offset: string): void {
    const now = this.now();
    this.committed.set(`${topic}/${partition}`, { offset, movedAt: now });
    this.lastCommitMs = now;
  }

  /** Tells which partitions this member holds now; newly assigned ones start their stall clock now. */
  assigned(assignment: Record<string, number[]>): void {
    const now = this.now();
    const current = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = `${topic}/${partition}`;
        current.add(key);
        if (!this.assignedAt.has(key)) this.assignedAt.set(key, now);
      }
    }
    for (const key of [...this.assignedAt.keys()]) if (!current.has(key)) this.assignedAt.delete(key);
  }

  /** Assigned partitions with lag whose committed offset has not moved for the stall timeout. */
  stalled(): { topic: string; partition: number; lag: number; stalledForMs: number }[] {
    const now = this.now();
    const out: { topic: string; partition: number; lag: number; stalledForMs: number }[] = [];
    for (const [key, assignedAt] of this.assignedAt) {
      const sample = this.latest.get(key);
      const committed = this.committed.get(key);
      if (!sample || !committed || sample.lag <= 0) continue;
      const stalledForMs = now - Math.max(assignedAt, committed.movedAt);
      if (stalledForMs >= this.stallTimeoutMs) out.push({ topic: sample.topic, partition: sample.partition, lag: sample.lag, stalledForMs });
    }
    return out;
  }

  /** When a committed offset was last seen to advance (ms since the epoch), or null if never. */
  get lastCommitAtMs(): number | null {
    return this.lastCommitMs;
  }
}

/** Readiness check `consumer`: down unless the consumer is in its group and consuming. */
export class ConsumerRunningCheck {
  readonly name = 'consumer';

  constructor(private readonly supervisor: ConsumerSupervisor) {}

  check() {
    const status = this.supervisor.status();
    if (this.supervisor.isConsuming) return { up: true as const, details: { state: status.state, assignment: status.assignment } };
    const message =
      status.state === 'running'
        ? `consumer has not fetched or heartbeated for ${Math.round(this.supervisor.idleMs / 1000)} s`
        : `consumer is ${status.state} since ${status.since}`;
    return { up: false as const, details: { message, state: status.state, restarts: status.restarts, lastError: status.lastError } };
  }
}

/** Readiness check `progress`: down when an assigned partition has lag but its committed offset has not moved for the stall timeout. */
export class CommitProgressCheck {
  readonly name = 'progress';

  constructor(
    private readonly progress: CommitProgress,
    private readonly supervisor: ConsumerSupervisor,
  ) {}

  check() {
    this.progress.assigned(this.supervisor.status().assignment);
    const stalled = this.progress.stalled();
    if (stalled.length === 0) return { up: true as const };
    const list = stalled.map((s) => `${s.topic}[${s.partition}] lag ${s.lag}, no commit for ${Math.round(s.stalledForMs / 1000)} s`);
    return { up: false as const, details: { message: `committed offsets stalled: ${list.join('; ')}`, stalled } };
  }
}
