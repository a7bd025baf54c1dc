import { BadRequestException, Controller, Get, Header, NotFoundException, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CHART_NAMES, CHART_TITLES, isChartName, type ChartName } from '@pipeline/reporting';
import { CHART_LIST_SCHEMA } from '../api/openapi-schemas';
import { RangeQuery } from '../api/range.query';
import { RangeResolver } from '../api/range-resolver';
import { ChartService } from './chart.service';

/** What a chart name may look like at all; anything else (dots, slashes, encoded or not) is no chart URL: 404. */
const CHART_NAME_SHAPE = /^[a-z0-9-]{1,64}$/;

@ApiTags('charts')
@Controller()
export class ChartsController {
  constructor(
    private readonly charts: ChartService,
    private readonly ranges: RangeResolver,
  ) {}

  @Get('charts/:name.png')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiOperation({
    summary: 'A chart as PNG',
    description:
      'Without from/to: the scheduled chart of the default range (redrawn every CHART_REFRESH_MS). ' +
      'With from and/or to: drawn on request for that range and cached for a minute.',
  })
  @ApiParam({ name: 'name', enum: CHART_NAMES })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'PNG image' })
  @ApiBadRequestResponse({ description: 'Unknown chart name or bad range' })
  @ApiNotFoundResponse({ description: 'Not a chart URL' })
  async chart(@Param('name') name: string, @Query() query: RangeQuery): Promise<StreamableFile> {
    const chart = knownChart(name);
    const png = await this.pngOf(chart, query);
    return new StreamableFile(png, { type: 'image/png', length: png.length });
  }

  @Get('api/charts')
  @ApiOperation({ summary: 'The charts, their URLs, and when the scheduled set was last drawn' })
  @ApiOkResponse({ schema: CHART_LIST_SCHEMA })
  async list() {
    const manifest = await this.charts.manifest();
    return {
      generatedAt: manifest?.generatedAt ?? null,
      range: manifest?.range ?? null,
      charts: CHART_NAMES.map((name) => ({ name, title: CHART_TITLES[name], url: `/charts/${name}.png` })),
    };
  }

  private async pngOf(name: ChartName, query: RangeQuery): Promise<Buffer> {
    if (query.from !== undefined || query.to !== undefined) return this.charts.rangeChart(name, (await this.ranges.resolve(query)).range);
    // Before the first scheduled set is on disk, draw the default range on request instead of failing.
    return (await this.charts.scheduledChart(name)) ?? this.charts.rangeChart(name, (await this.ranges.resolve({})).range);
  }
}

function knownChart(name: string): ChartName {
  if (!CHART_NAME_SHAPE.test(name)) throw new NotFoundException();
  if (!isChartName(name)) throw new BadRequestException(`unknown chart "${name}"; charts: ${CHART_NAMES.join(', ')}`);
  return name;
}
