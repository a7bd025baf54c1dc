import { BadRequestException, Controller, Get, Query, ValidationPipe } from '@nestjs/common';
import { SummaryService, type Summary } from './summary.service';
import { TimeRangeQuery } from './time-range.query';

@Controller('api')
export class SummaryController {
  constructor(private readonly summaries: SummaryService) {}

  @Get('summary')
  summary(@Query(new ValidationPipe({ transform: true, forbidNonWhitelisted: true, whitelist: true })) query: TimeRangeQuery): Promise<Summary> {
    const from = query.from ? Date.parse(query.from) : undefined;
    const to = query.to ? Date.parse(query.to) : undefined;
    if (from !== undefined && to !== undefined && to < from) throw new BadRequestException('to must not be before from');
    return this.summaries.summary(from, to);
  }
}
