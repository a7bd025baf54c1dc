import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { processorSampleOf, ProcessorMinuteSeries, type ProcessorMinutePoint } from '@pipeline/reporting';
import { ReporterConfig } from '../reporter.config';

const SAMPLE_INTERVAL = 'processor-metrics-sample';

export interface ProcessorSeries {
  /** Where the samples come from; null when sampling is off (PROCESSOR_METRICS_URL empty). */
  source: string | null;
  /** The last sampling error, e.g. "connect ECONNREFUSED"; null after a good sample. */
  lastError: string | null;
  points: ProcessorMinutePoint[];
}

/** Samples the processor's /metrics every PROCESSOR_SAMPLE_MS for the live view's DLQ and lag series. */
@Injectable()
export class ProcessorMetricsSampler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProcessorMetricsSampler.name);
  private readonly minutes = new ProcessorMinuteSeries();
  private lastError: string | null = null;

  constructor(
    private readonly config: ReporterConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESSOR_METRICS_URL) return;
    this.scheduler.addInterval(SAMPLE_INTERVAL, setInterval(() => void this.sample(), this.config.PROCESSOR_SAMPLE_MS));
    void this.sample();
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', SAMPLE_INTERVAL)) this.scheduler.deleteInterval(SAMPLE_INTERVAL);
  }

  async sample(): Promise<void> {
    const url = this.config.PROCESSOR_METRICS_URL;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.minutes.record(Date.now(), processorSampleOf(await response.text()));
      if (this.lastError !== null) this.logger.log(`processor metrics at ${url} readable again`);
      this.lastError = null;
    } catch (error) {
      const message = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      // Logged once per outage: a reporter without a running processor is a normal set-up.
      if (this.lastError === null) this.logger.warn(`processor metrics at ${url} not readable (${message}); the live view shows no DLQ/lag until they are`);
      this.lastError = message;
    }
  }

  /** The last 60 minutes up to now (the current minute included): the processor's state now, whatever range is shown. */
  recent(): ProcessorSeries {
    const end = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    return { source: this.config.PROCESSOR_METRICS_URL || null, lastError: this.lastError, points: this.minutes.series(end - 3_600_000, end) };
  }
}
