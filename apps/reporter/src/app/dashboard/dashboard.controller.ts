import { Controller, Get, Header, Query, StreamableFile, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ExactReportStore, renderLiveDashboardHtml } from '@pipeline/reporting';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { RangeQuery } from '../api/range.query';
import { RangeResolver } from '../api/range-resolver';
import { ProcessorMetricsSampler } from '../live/processor-metrics.sampler';
import { ReporterConfig } from '../reporter.config';
import { HtmlErrorFilter } from './html-error.filter';

/** Chart.js's browser build, from the installed package (resolved at run time: the bundle keeps node_modules external). */
function chartJsBrowserBuild(): string {
  const main = createRequire(path.join(process.cwd(), 'package.json')).resolve('chart.js');
  return path.join(path.dirname(main), 'chart.umd.min.js');
}

@ApiTags('dashboard')
@Controller()
export class DashboardController {
  private chartJs: Promise<Buffer> | null = null;

  constructor(
    private readonly config: ReporterConfig,
    private readonly store: ExactReportStore,
    private readonly ranges: RangeResolver,
    private readonly processor: ProcessorMetricsSampler,
  ) {}

  @Get()
  @UseFilters(HtmlErrorFilter)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'HTML dashboard: KPIs, per-minute and hourly charts, freshness; updates itself without reloading; from/to select a range',
  })
  @ApiProduces('text/html')
  @ApiBadRequestResponse({ description: 'An HTML page naming each problem with from/to' })
  async dashboard(@Query() query: RangeQuery): Promise<string> {
    const resolved = await this.ranges.resolve(query);
    const snapshot = await this.store.dashboard(resolved);
    // Links are relative so the page also works behind a path prefix; a chosen range is passed on as given.
    const params = new URLSearchParams();
    if (query.from !== undefined) params.set('from', query.from);
    if (query.to !== undefined) params.set('to', query.to);
    const search = params.size > 0 ? `?${params}` : '';
    return renderLiveDashboardHtml({
      snapshot: { ...snapshot, processor: this.processor.recent() },
      snapshotUrl: `api/dashboard${search}`,
      chartJsUrl: 'assets/chart.umd.min.js',
      refreshMs: this.config.DASHBOARD_REFRESH_MS,
      links: [
        { href: 'docs', label: 'API (OpenAPI)' },
        { href: `api/dashboard${search}`, label: 'This view as JSON' },
        { href: `api/summary.csv${search}`, label: 'Summary CSV' },
        { href: `api/products/top.csv${search}`, label: 'Top products CSV' },
        { href: `api/quality${search}`, label: 'Quality JSON' },
        { href: 'metrics', label: 'Prometheus metrics' },
      ],
    });
  }

  @Get('assets/chart.umd.min.js')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: "Chart.js's browser build, served from the installed chart.js package (the dashboard needs no CDN)" })
  @ApiProduces('text/javascript')
  async chartJsFile(): Promise<StreamableFile> {
    this.chartJs ??= readFile(chartJsBrowserBuild());
    this.chartJs.catch(() => (this.chartJs = null));
    const bytes = await this.chartJs;
    return new StreamableFile(bytes, { type: 'text/javascript; charset=utf-8', length: bytes.length });
  }
}
