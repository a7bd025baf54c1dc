import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';

export const MAX_RATE = 1_000_000;

export function isRate(value: unknown): value is number | 'max' {
  return value === 'max' || (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_RATE);
}

export class SetRateDto {
  @ApiProperty({ oneOf: [{ type: 'number', example: 1000 }, { type: 'string', enum: ['max'] }], description: 'events per second, or "max"' })
  @ValidateBy({
    name: 'isRate',
    validator: {
      validate: isRate,
      defaultMessage: () => `rate must be a number of events/s above 0 and at most ${MAX_RATE}, or "max"`,
    },
  })
  rate!: number | 'max';
}
