import { ApiProperty } from '@nestjs/swagger';
import { isValidRate, MAX_RATE, MIN_RATE } from '@pipeline/simulation';
import { ValidateBy } from 'class-validator';

export class SetRateDto {
  @ApiProperty({ oneOf: [{ type: 'number', example: 1000 }, { type: 'string', enum: ['max'] }], description: 'events per second, or "max"' })
  @ValidateBy({
    name: 'isRate',
    validator: {
      validate: isValidRate,
      defaultMessage: () => `rate must be a number of events/s from ${MIN_RATE} to ${MAX_RATE}, or "max"`,
    },
  })
  rate!: number | 'max';
}
