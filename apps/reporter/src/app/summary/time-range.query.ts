import { IsISO8601, IsOptional } from 'class-validator';

export class TimeRangeQuery {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time, e.g. 2026-11-27T09:00:00Z' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time, e.g. 2026-11-27T18:00:00Z' })
  to?: string;
}
