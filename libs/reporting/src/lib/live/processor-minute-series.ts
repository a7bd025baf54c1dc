// @ts-expect-error -- the package ships no types; PrometheusFamily below is the shape its README documents (prom2json's)
import parsePrometheusTextFormatUntyped from 'parse-prometheus-text-format';

interface PrometheusFamily {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string }[];
}
const parsePrometheusTextFormat = parsePrometheusTextFormatUntyped as (text: string) => PrometheusFamily[];

/**
 * Per-minute DLQ and consumer-lag series from samples of the processor's Prometheus endpoint. The processor
 * keeps counters, not history, so the reporter samples it and keeps the recent minutes itself.
 */

export const DLQ_METRIC = 'processor_events_dead_lettered_total';
export const LAG_METRIC = 'processor_consumer_lag';

export interface ProcessorSample {
  /** Dead-lettered messages since the processor started, all reasons. */
  deadLettered: number;
  /** Messages behind the high watermark, summed over partitions. */
  lag: number;
}

/** The two figures out of a Prometheus text exposition; a family that is missing counts as 0. */
export function processorSampleOf(text: string): ProcessorSample {
  const families = parsePrometheusTextFormat(text);
  const total = (name: string) =>
    (families.find((f) => f.name === name)?.metrics ?? []).reduce((sum, m) => sum + (Number.isFinite(Number(m.value)) ? Number(m.value) : 0), 0);
  return { deadLettered: total(DLQ_METRIC), lag: total(LAG_METRIC) };
}

export interface ProcessorMinutePoint {
  minute: string;
  /** Messages dead-lettered during the minute; null when the minute has no two samples to compare. */
  deadLettered: number | null;
  /** Lag at the minute's last sample; null without a sample. */
  lag: number | null;
}

const MINUTE_MS = 60_000;
/** Two samples further apart than this are not compared: what happened between them is not known by minute. */
const MAX_SAMPLE_GAP_MS = 2 * MINUTE_MS;

interface TimedSample extends ProcessorSample {
  atMs: number;
}

export class ProcessorMinuteSeries {
  private readonly samples: TimedSample[] = [];

  constructor(private readonly keepMs = 3 * 3_600_000) {}

  /** Records a sample taken at `atMs` (samples arrive in time order). */
  record(atMs: number, sample: ProcessorSample): void {
    this.samples.push({ atMs, ...sample });
    while (this.samples.length > 0 && this.samples[0].atMs < atMs - this.keepMs) this.samples.shift();
  }

  /**
   * One point per minute of [fromMs, toMs). A minute's dead letters are the counter's increases between
   * consecutive samples, counted in the minute of the later one (a drop means the processor restarted and
   * its counter began again at 0); its lag is the last sample's. Minutes without a sample are null.
   */
  series(fromMs: number, toMs: number): ProcessorMinutePoint[] {
    const byMinute = new Map<number, { deadLettered: number | null; lag: number }>();
    this.samples.forEach((sample, i) => {
      const minute = Math.floor(sample.atMs / MINUTE_MS) * MINUTE_MS;
      const previous = this.samples[i - 1];
      const comparable = previous !== undefined && sample.atMs - previous.atMs <= MAX_SAMPLE_GAP_MS;
      const increase = !comparable ? null : sample.deadLettered >= previous.deadLettered ? sample.deadLettered - previous.deadLettered : sample.deadLettered;
      const point = byMinute.get(minute);
      if (!point) byMinute.set(minute, { deadLettered: increase, lag: sample.lag });
      else {
        point.lag = sample.lag;
        if (increase !== null) point.deadLettered = (point.deadLettered ?? 0) + increase;
      }
    });
    const out: ProcessorMinutePoint[] = [];
    for (let m = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS; m < toMs; m += MINUTE_MS) {
      const point = byMinute.get(m);
      out.push({ minute: new Date(m).toISOString(), deadLettered: point?.deadLettered ?? null, lag: point?.lag ?? null });
    }
    return out;
  }
}
