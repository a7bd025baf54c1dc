import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  devicesCsvTable,
  funnelCsvTable,
  hourlyCsvTable,
  productsCsvTable,
  qualityCsvTable,
  ReportStore,
  summaryCsvTable,
  DEFAULT_PRODUCT_LIMIT,
} from '@pipeline/reporting';
import type { Request, Response } from 'express';
import { DEVICES_SCHEMA, FUNNEL_SCHEMA, HOURLY_SCHEMA, PRODUCTS_SCHEMA, QUALITY_SCHEMA, SUMMARY_SCHEMA } from './openapi-schemas';
import { RangeQuery, TopProductsQuery } from './range.query';
import { RangeResolver } from './range-resolver';
import { tableResponse } from './table-response';

const BAD_INPUT = 'A malformed date, `to` not after `from`, a range over 31 days, a limit outside 1..100, or an unknown parameter';

/** Figures over a time range, as JSON or (".csv" suffix or Accept: text/csv) as a CSV download. */
@ApiTags('metrics')
@ApiProduces('application/json', 'text/csv')
@ApiBadRequestResponse({ description: BAD_INPUT })
@Controller('api')
export class ApiController {
  constructor(
    private readonly store: ReportStore,
    private readonly ranges: RangeResolver,
  ) {}

  @Get(['summary', 'summary.csv'])
  @ApiOperation({ summary: 'Headline figures: events (by type), orders, revenue, AOV, conversion, quality score' })
  @ApiOkResponse({ schema: SUMMARY_SCHEMA })
  async summary(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const summary = await this.store.summary(range);
    return tableResponse(req, res, summary, { name: 'summary', range, table: () => summaryCsvTable(summary) });
  }

  @Get(['hourly', 'hourly.csv'])
  @ApiOperation({ summary: 'Events, orders, sessions and revenue for every hour of the range (zeros where nothing was stored)' })
  @ApiOkResponse({ schema: HOURLY_SCHEMA })
  async hourly(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const points = await this.store.hourly(range);
    return tableResponse(req, res, points, { name: 'hourly', range, table: () => hourlyCsvTable(points) });
  }

  @Get(['products/top', 'products/top.csv'])
  @ApiOperation({ summary: 'Best-selling products by revenue' })
  @ApiOkResponse({ schema: PRODUCTS_SCHEMA })
  async topProducts(@Query() query: TopProductsQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const products = await this.store.topProducts(range, query.limit ?? DEFAULT_PRODUCT_LIMIT);
    const body = { ...isoRange(range), products };
    return tableResponse(req, res, body, { name: 'top-products', range, table: () => productsCsvTable(products) });
  }

  @Get(['devices', 'devices.csv'])
  @ApiOperation({ summary: 'Events, orders and revenue by device type' })
  @ApiOkResponse({ schema: DEVICES_SCHEMA })
  async devices(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const devices = await this.store.devices(range);
    return tableResponse(req, res, { ...isoRange(range), devices }, { name: 'devices', range, table: () => devicesCsvTable(devices) });
  }

  @Get(['funnel', 'funnel.csv'])
  @ApiOperation({ summary: 'Sessions that viewed, added to cart and purchased (per-hour counts summed)' })
  @ApiOkResponse({ schema: FUNNEL_SCHEMA })
  async funnel(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const stages = await this.store.funnel(range);
    return tableResponse(req, res, { ...isoRange(range), stages }, { name: 'funnel', range, table: () => funnelCsvTable(stages) });
  }

  @Get(['quality', 'quality.csv'])
  @ApiOperation({ summary: 'Data quality: the range merged into one report, per-rule totals, and the score of every hour' })
  @ApiOkResponse({ schema: QUALITY_SCHEMA })
  async quality(@Query() query: RangeQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const range = await this.ranges.resolve(query);
    const quality = await this.store.quality(range);
    return tableResponse(req, res, quality, { name: 'quality', range, table: () => qualityCsvTable(quality) });
  }
}

function isoRange(range: { fromMs: number; toMs: number }) {
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}
