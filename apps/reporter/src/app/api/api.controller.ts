import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  DEFAULT_TOP_PRODUCTS,
  devicesCsvTable,
  exactHourlyCsvTable,
  exactSummaryCsvTable,
  ExactReportStore,
  funnelCsvTable,
  isoRange,
  productsCsvTable,
  qualityCsvTable,
} from '@pipeline/reporting';
import type { Request, Response } from 'express';
import { DASHBOARD_SCHEMA, DEVICES_SCHEMA, FUNNEL_SCHEMA, HOURLY_SCHEMA, PRODUCTS_SCHEMA, QUALITY_SCHEMA, RANGE_DEFINITION, SUMMARY_SCHEMA } from './openapi-schemas';
import { RangeQuery, TopProductsQuery } from './range.query';
import { RangeResolver } from './range-resolver';
import { tableResponse } from './table-response';
import { ProcessorMetricsSampler } from '../live/processor-metrics.sampler';

const BAD_INPUT = 'A malformed date, `to` not after `from`, a range over 31 days, or a limit outside 1..100 (unknown parameters are ignored)';

/** Figures over a time range, as JSON or (".csv" suffix or Accept: text/csv) as a CSV download. */
@ApiTags('metrics')
@ApiProduces('application/json', 'text/csv')
@ApiBadRequestResponse({ description: BAD_INPUT })
@Controller('api')
export class ApiController {
  constructor(
    private readonly store: ExactReportStore,
    private readonly ranges: RangeResolver,
    private readonly processor: ProcessorMetricsSampler,
  ) {}

  @Get(['summary', 'summary.csv'])
  @ApiOperation({
    summary: 'Headline figures of a range: events (by type), sessions, users, orders, units, revenue, AOV, conversion, quality score',
    description: RANGE_DEFINITION,
  })
  @ApiOkResponse({ schema: SUMMARY_SCHEMA })
  async summary(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const summary = await this.store.summary(range);
    return tableResponse(req, res, summary, { name: 'summary', range, table: () => exactSummaryCsvTable(summary) });
  }

  @Get(['hourly', 'hourly.csv'])
  @ApiOperation({
    summary: 'Events, orders, sessions, users and revenue for every hour the range overlaps, each over the part of the hour inside the range',
    description: RANGE_DEFINITION,
  })
  @ApiOkResponse({ schema: HOURLY_SCHEMA })
  async hourly(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const points = await this.store.hourly(range);
    return tableResponse(req, res, points, { name: 'hourly', range, table: () => exactHourlyCsvTable(points) });
  }

  @Get(['products/top', 'products/top.csv'])
  @ApiOperation({ summary: 'Best-selling products by revenue (then units, then id)', description: RANGE_DEFINITION })
  @ApiOkResponse({ schema: PRODUCTS_SCHEMA })
  async topProducts(@Query() query: TopProductsQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const products = await this.store.topProducts(range, query.limit ?? DEFAULT_TOP_PRODUCTS);
    const body = { ...isoRange(range), products };
    return tableResponse(req, res, body, { name: 'top-products', range, table: () => productsCsvTable(products) });
  }

  @Get(['devices', 'devices.csv'])
  @ApiOperation({ summary: 'Events, distinct orders and revenue by device type', description: RANGE_DEFINITION })
  @ApiOkResponse({ schema: DEVICES_SCHEMA })
  async devices(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const devices = await this.store.devices(range);
    return tableResponse(req, res, { ...isoRange(range), devices }, { name: 'devices', range, table: () => devicesCsvTable(devices) });
  }

  @Get(['funnel', 'funnel.csv'])
  @ApiOperation({
    summary: 'Distinct sessions of the range that viewed a product page, added to cart, purchased',
    description: RANGE_DEFINITION,
  })
  @ApiOkResponse({ schema: FUNNEL_SCHEMA })
  async funnel(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const stages = await this.store.funnel(range);
    return tableResponse(req, res, { ...isoRange(range), stages }, { name: 'funnel', range, table: () => funnelCsvTable(stages) });
  }

  @Get(['quality', 'quality.csv'])
  @ApiOperation({ summary: 'Data quality: the hourly reports of the hours the range overlaps, merged into one; per-rule totals; each hour\'s score' })
  @ApiOkResponse({ schema: QUALITY_SCHEMA })
  async quality(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { range } = await this.ranges.resolve(query);
    const quality = await this.store.quality(range);
    return tableResponse(req, res, quality, { name: 'quality', range, table: () => qualityCsvTable(quality) });
  }

  @Get('dashboard')
  @ApiOperation({
    summary: 'One dashboard view: summary, per-minute series, hourly history, products, devices, funnel, quality, freshness and processor DLQ/lag, all from one listing of the lake',
    description: `${RANGE_DEFINITION} Without from/to the range follows the data: the last hour by minute when the newest event is under 3 hours old, else the 24 hours up to the newest event's hour. Events dated more than 5 minutes after the reporter's clock never pull the default range.`,
  })
  @ApiOkResponse({ schema: DASHBOARD_SCHEMA })
  async dashboard(@Query() query: RangeQuery) {
    const resolved = await this.ranges.resolve(query);
    const snapshot = await this.store.dashboard(resolved);
    return { ...snapshot, processor: this.processor.recent() };
  }
}
