import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CHART_NAMES, renderDashboardHtml, ReportStore } from '@pipeline/reporting';
import { RangeQuery } from '../api/range.query';
import { RangeResolver } from '../api/range-resolver';
import { ReporterConfig } from '../reporter.config';

@ApiTags('dashboard')
@Controller()
export class DashboardController {
  constructor(
    private readonly config: ReporterConfig,
    private readonly store: ReportStore,
    private readonly ranges: RangeResolver,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'HTML dashboard: KPIs and charts, refreshing itself; from/to select a range' })
  @ApiProduces('text/html')
  async dashboard(@Query() query: RangeQuery): Promise<string> {
    const range = await this.ranges.resolve(query);
    const summary = await this.store.summary(range);
    // Links are relative so the page also works behind a path prefix; a chosen range is passed on as given.
    const params = new URLSearchParams();
    if (query.from !== undefined) params.set('from', query.from);
    if (query.to !== undefined) params.set('to', query.to);
    const search = params.size > 0 ? `?${params}` : '';
    return renderDashboardHtml({
      summary,
      range,
      charts: CHART_NAMES.map((name) => ({ name, src: `charts/${name}.png${search}` })),
      chartWidth: this.config.CHART_WIDTH,
      chartHeight: this.config.CHART_HEIGHT,
      summaryUrl: `api/summary${search}`,
      refreshMs: this.config.CHART_REFRESH_MS,
      defaultRange: search === '',
      links: [
        { href: 'docs', label: 'API (OpenAPI)' },
        { href: `api/summary.csv${search}`, label: 'Summary CSV' },
        { href: `api/products/top.csv${search}`, label: 'Top products CSV' },
        { href: `api/quality${search}`, label: 'Quality JSON' },
        { href: 'metrics', label: 'Prometheus metrics' },
      ],
    });
  }
}
