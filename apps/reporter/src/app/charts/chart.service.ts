import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  buildChartSpec,
  buildChartSpecs,
  CHART_NAMES,
  ChartRenderer,
  renderChartSet,
  ExactReportStore,
  TtlCache,
  type ChartName,
  type TimeRange,
} from '@pipeline/reporting';
import { createStorageBackend, type StorageBackend } from '@pipeline/storage';
import { ReporterMetrics, type RenderTrigger } from '../metrics/reporter.metrics';
import { ReporterConfig } from '../reporter.config';

/** Folder of the storage (STORAGE_URL) that holds the scheduled chart set; nothing else is ever served from disk. */
export const REPORTS_DIR = 'reports';
const MANIFEST_KEY = `${REPORTS_DIR}/charts.json`;
const REFRESH_INTERVAL = 'chart-refresh';

/** Key of a chart of the scheduled set. Takes only an allow-listed name: no request text reaches a path. */
export function chartFileKey(name: ChartName): string {
  return `${REPORTS_DIR}/${name}.png`;
}

export interface ChartSetManifest {
  generatedAt: string;
  range: { from: string; to: string };
  charts: ChartName[];
}

/**
 * Draws the chart set on a schedule into reports/ on the storage (each file replaced atomically), and single
 * charts for a requested range on demand (cached briefly). Charts are drawn one at a time with a yield to the
 * event loop in between, so HTTP requests are served while a set is being drawn.
 */
@Injectable()
export class ChartService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChartService.name);
  private readonly renderer: ChartRenderer;
  private readonly files: StorageBackend;
  /** Range charts by name+range; holds the promise so concurrent requests share one drawing. */
  private readonly rangeCharts = new TtlCache<Promise<Buffer>>({ maxEntries: 64, ttlMs: 60_000 });
  private running: Promise<ChartSetManifest | null> | null = null;
  private closing = false;

  constructor(
    private readonly config: ReporterConfig,
    private readonly store: ExactReportStore,
    private readonly metrics: ReporterMetrics,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.renderer = new ChartRenderer({ width: config.CHART_WIDTH, height: config.CHART_HEIGHT });
    this.files = createStorageBackend(config);
  }

  onApplicationBootstrap(): void {
    // Registered here rather than with @Interval so the period comes from configuration.
    this.scheduler.addInterval(REFRESH_INTERVAL, setInterval(() => void this.refresh(), this.config.CHART_REFRESH_MS));
    void this.refresh();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.scheduler.doesExist('interval', REFRESH_INTERVAL)) this.scheduler.deleteInterval(REFRESH_INTERVAL);
    // Let a set being drawn finish its write rather than cut it off mid-file.
    await this.running;
    // Closed here, after the last drawing that reads through it (the store has no lifecycle of its own).
    this.store.close();
  }

  /**
   * Draws the whole set for the default range and writes it. A call while a set is being drawn returns that
   * run instead of starting another. Resolves to the manifest written, or null when the run failed.
   */
  refresh(): Promise<ChartSetManifest | null> {
    if (this.closing) return Promise.resolve(null);
    this.running ??= this.drawSet('schedule')
      .catch((error: unknown) => {
        this.logger.error(`chart set failed: ${(error as Error).stack ?? String(error)}`);
        return null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** The scheduled PNG of a chart, or null before the first set was written. */
  async scheduledChart(name: ChartName): Promise<Buffer | null> {
    const key = chartFileKey(name);
    return (await this.files.exists(key)) ? this.files.read(key) : null;
  }

  async manifest(): Promise<ChartSetManifest | null> {
    if (!(await this.files.exists(MANIFEST_KEY))) return null;
    return JSON.parse((await this.files.read(MANIFEST_KEY)).toString('utf8')) as ChartSetManifest;
  }

  /** One chart for any range, drawn on request and kept for a minute. */
  rangeChart(name: ChartName, range: TimeRange): Promise<Buffer> {
    return this.rangeCharts.getOrCreate(`${name}|${range.fromMs}|${range.toMs}`, async () => {
      const snapshot = await this.store.snapshot(range);
      return this.timed(name, 'request', () => this.renderer.render(buildChartSpec(name, snapshot)));
    });
  }

  private async drawSet(trigger: RenderTrigger): Promise<ChartSetManifest> {
    const { range } = await this.store.resolveRange();
    const snapshot = await this.store.snapshot(range);
    const written: ChartName[] = [];
    await renderChartSet(this.renderer, buildChartSpecs(snapshot), {
      onRendered: async ({ name, png, seconds }) => {
        this.metrics.chartRenderDuration.observe({ chart: name, trigger }, seconds);
        await this.files.writeAtomic(chartFileKey(name), png);
        written.push(name);
      },
      onError: (name, error) => {
        this.metrics.chartRenderFailures.inc({ chart: name });
        this.logger.error(`chart ${name} failed: ${(error as Error).message}`);
      },
    });
    const manifest: ChartSetManifest = {
      generatedAt: new Date().toISOString(),
      range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() },
      charts: written,
    };
    await this.files.writeAtomic(MANIFEST_KEY, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
    if (written.length === CHART_NAMES.length) this.metrics.chartSetLastSuccess.set(Date.now() / 1000);
    return manifest;
  }

  private async timed(name: ChartName, trigger: RenderTrigger, render: () => Promise<Buffer>): Promise<Buffer> {
    const started = process.hrtime.bigint();
    try {
      const png = await render();
      this.metrics.chartRenderDuration.observe({ chart: name, trigger }, Number(process.hrtime.bigint() - started) / 1e9);
      return png;
    } catch (error) {
      this.metrics.chartRenderFailures.inc({ chart: name });
      throw error;
    }
  }
}
