import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_RANGE_DAYS, parseInstant, rangeProblem, ZONED_ISO_INSTANT } from '@pipeline/reporting';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

const INSTANT_HINT = 'an ISO-8601 date (2026-11-27) or date-time with a zone (2026-11-27T09:00:00Z)';

/** Checks a date-time field names a real instant (the pattern alone lets 2026-02-30 through). */
function IsRealInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRealInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be ${INSTANT_HINT}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && parseInstant(value) !== null },
    });
}

/** On `to`: with both ends given, the range must run forward and be at most MAX_RANGE_DAYS long. */
function IsValidRangeEnd(options?: ValidationOptions) {
  const problemOf = (args: ValidationArguments): string | null => {
    const from = (args.object as RangeQuery).from;
    const fromMs = typeof from === 'string' ? parseInstant(from) : null;
    const toMs = typeof args.value === 'string' ? parseInstant(args.value) : null;
    // Malformed ends are reported by their own rules; this one only judges two real instants.
    return fromMs === null || toMs === null ? null : rangeProblem(fromMs, toMs);
  };
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isValidRangeEnd',
      target: object.constructor,
      propertyName,
      options: { message: (args: ValidationArguments) => problemOf(args) ?? 'invalid range', ...options },
      validator: { validate: (_value: unknown, args?: ValidationArguments) => (args ? problemOf(args) === null : true) },
    });
}

export class RangeQuery {
  @ApiPropertyOptional({
    description: `Start of the range, inclusive: ${INSTANT_HINT}. Default: 24 hours before \`to\`.`,
    example: '2026-11-27T00:00:00Z',
  })
  @IsOptional()
  @Matches(ZONED_ISO_INSTANT, { message: `from must be ${INSTANT_HINT}` })
  @IsRealInstant()
  from?: string;

  @ApiPropertyOptional({
    description:
      `End of the range, exclusive. Default: 24 hours after \`from\`, or without \`from\` the end of the newest stored hour. ` +
      `Must be after \`from\`; at most ${MAX_RANGE_DAYS} days after it.`,
    example: '2026-11-28T00:00:00Z',
  })
  @IsOptional()
  @Matches(ZONED_ISO_INSTANT, { message: `to must be ${INSTANT_HINT}` })
  @IsRealInstant()
  @IsValidRangeEnd()
  to?: string;
}

const LIMIT_MESSAGE = 'limit must be a whole number between 1 and 100';

export class TopProductsQuery extends RangeQuery {
  @ApiPropertyOptional({ description: 'How many products, best revenue first.', minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  // One message for every way a limit can be wrong: the pipe reports the first failing check only.
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100, { message: LIMIT_MESSAGE })
  limit?: number;
}
