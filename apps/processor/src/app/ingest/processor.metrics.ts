import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pipeline/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

@Injectable()
export class ProcessorMetrics {
  readonly consumed: Counter<'topic'>;
  readonly stored: Counter<'event_type'>;
  readonly deadLettered: Counter<'reason'>;
  readonly flushDuration: Histogram;
  readonly filesWritten: Counter;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly committedOffset: Gauge<'topic' | 'partition'>;
  readonly qualityScore: Gauge;
  readonly lastCommitTimestamp: Gauge;

  constructor(registry: MetricsRegistry) {
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
}
