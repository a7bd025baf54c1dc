import type { PartitionProgress } from '@pipeline/kafka';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FlushReport } from '../micro-batch-ingestor';

/** The processor's Prometheus metrics of the Kafka ingest path, and how flushes and lag readings move them. */
export class IngestMetrics {
  readonly consumed: Counter<'topic'>;
  readonly stored: Counter<'event_type'>;
  readonly deadLettered: Counter<'reason'>;
  readonly flushDuration: Histogram;
  readonly filesWritten: Counter;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly committedOffset: Gauge<'topic' | 'partition'>;
  readonly qualityScore: Gauge;
  readonly lastCommitTimestamp: Gauge;

  constructor(registry: Registry, private readonly now: () => number = Date.now) {
    const registers = [registry];
    this.consumed = new Counter({ name: 'processor_events_consumed_total', help: 'Messages read from Kafka', labelNames: ['topic'], registers });
    this.stored = new Counter({ name: 'processor_events_stored_total', help: 'Valid events durable in Parquet', labelNames: ['event_type'], registers });
    this.deadLettered = new Counter({ name: 'processor_events_dead_lettered_total', help: 'Messages sent to the DLQ', labelNames: ['reason'], registers });
    this.flushDuration = new Histogram({
      name: 'processor_flush_duration_seconds',
      help: 'Validate + write + DLQ + commit time of one flushed chunk',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.filesWritten = new Counter({ name: 'processor_files_written_total', help: 'Parquet and partial files written', registers });
    this.lag = new Gauge({ name: 'processor_consumer_lag', help: 'High watermark - committed offset of the group, read from the broker every LAG_POLL_MS (and after each flush)', labelNames: ['topic', 'partition'], registers });
    this.qualityScore = new Gauge({ name: 'processor_quality_row_weighted_score', help: 'Row-weighted quality score of the last flushed chunk (0..1)', registers });
    this.lastCommitTimestamp = new Gauge({
      name: 'processor_last_commit_timestamp_seconds',
      help: 'When a committed offset last advanced (Unix seconds): by this instance, or as seen in the group by the lag poll',
      registers,
    });
    this.committedOffset = new Gauge({ name: 'processor_committed_offset', help: 'Last committed offset', labelNames: ['topic', 'partition'], registers });
  }

  flushed(report: FlushReport): void {
    const labels = { topic: report.topic, partition: String(report.partition) };
    // Counted per label, not per event: a flush can hold tens of thousands of events.
    for (const [eventType, n] of countBy(report.valid, (e) => e.event_type)) this.stored.inc({ event_type: eventType }, n);
    for (const [reason, n] of countBy(report.deadLetters, (d) => d.reason)) this.deadLettered.inc({ reason }, n);
    this.flushDuration.observe(report.durationMs / 1000);
    this.filesWritten.inc(report.files.length);
    this.lag.set(labels, report.lag);
    this.committedOffset.set(labels, Number(report.lastOffset) + 1);
    this.lastCommitTimestamp.set(this.now() / 1000);
    this.qualityScore.set(report.report.summary.rowWeightedScore);
  }

  /** A lag reading of the group (see ConsumerGroupLag); `lastCommitAtMs`: when a commit was last seen, if ever. */
  groupProgress(samples: readonly PartitionProgress[], lastCommitAtMs: number | null): void {
    for (const sample of samples) {
      const labels = { topic: sample.topic, partition: String(sample.partition) };
      this.lag.set(labels, sample.lag);
      if (sample.committed !== null) this.committedOffset.set(labels, Number(sample.committed));
    }
    if (lastCommitAtMs !== null) this.lastCommitTimestamp.set(lastCommitAtMs / 1000);
  }
}

/** How many items have each key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
