const HOUR_MS = 3_600_000;
const PARTITION_PATTERN = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})/;

/**
 * One UTC hour of the Hive-style layout (`year=2026/month=11/day=27/hour=09`).
 * Always UTC: a local-time partition would put the same instant in different folders on different hosts.
 */
export class PartitionPath {
  /** First millisecond of the hour (UTC, epoch ms). */
  readonly startMs: number;

  private constructor(startMs: number) {
    this.startMs = startMs;
  }

  /** The hour that contains an event time (epoch ms). */
  static fromEventTime(epochMs: number): PartitionPath {
    return new PartitionPath(PartitionPath.startOfHour(epochMs));
  }

  /** fromEventTime(epochMs).startMs without the object: for loops over every event of a batch. */
  static startOfHour(epochMs: number): number {
    if (!Number.isFinite(epochMs)) throw new RangeError(`not a time: ${epochMs}`);
    return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
  }

  /**
   * Reads the partition out of a path or key (`events/year=2026/month=11/day=27/hour=09/x.parquet` works too).
   * Throws when there is none or the date does not exist, so a stray folder cannot turn into a wrong hour.
   */
  static parse(path: string): PartitionPath {
    const found = PartitionPath.tryParse(path);
    if (!found) throw new Error(`no valid year=/month=/day=/hour= partition in "${path}"`);
    return found;
  }

  static tryParse(path: string): PartitionPath | null {
    const match = PARTITION_PATTERN.exec(path);
    if (!match) return null;
    const [year, month, day, hour] = match.slice(1).map(Number);
    const startMs = Date.UTC(year, month - 1, day, hour);
    const candidate = new PartitionPath(startMs);
    // Date.UTC rolls 2026-02-30 over into March; only accept what reads back identically.
    return candidate.toString() === match[0] ? candidate : null;
  }

  get year(): number {
    return new Date(this.startMs).getUTCFullYear();
  }
  get month(): number {
    return new Date(this.startMs).getUTCMonth() + 1;
  }
  get day(): number {
    return new Date(this.startMs).getUTCDate();
  }
  get hour(): number {
    return new Date(this.startMs).getUTCHours();
  }
  /** First millisecond after the hour. */
  get endMs(): number {
    return this.startMs + HOUR_MS;
  }

  /** The start of the hour as ISO-8601 UTC (`2026-11-27T09:00:00.000Z`), the `hour` column of the metric tables. */
  toIsoString(): string {
    return new Date(this.startMs).toISOString();
  }

  next(): PartitionPath {
    return new PartitionPath(this.endMs);
  }

  equals(other: PartitionPath): boolean {
    return this.startMs === other.startMs;
  }

  contains(epochMs: number): boolean {
    return epochMs >= this.startMs && epochMs < this.endMs;
  }

  toString(): string {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `year=${String(this.year).padStart(4, '0')}/month=${pad(this.month)}/day=${pad(this.day)}/hour=${pad(this.hour)}`;
  }

  static compare(a: PartitionPath, b: PartitionPath): number {
    return a.startMs - b.startMs;
  }
}
