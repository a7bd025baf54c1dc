import { BadRequestException, Injectable } from '@nestjs/common';
import { ExactReportStore, InvalidRangeError, parseInstant, type ResolvedRange } from '@pipeline/reporting';
import type { RangeQuery } from './range.query';

/** Validated query text to the range it means (without from/to: the default range, which follows the data). */
@Injectable()
export class RangeResolver {
  constructor(private readonly store: ExactReportStore) {}

  async resolve(query: RangeQuery): Promise<ResolvedRange> {
    const instant = (text: string | undefined) => (text === undefined ? undefined : (parseInstant(text) ?? undefined));
    try {
      return await this.store.resolveRange({ fromMs: instant(query.from), toMs: instant(query.to) });
    } catch (error) {
      // RangeQuery already refuses bad ranges; this keeps a caller that skipped validation from getting a 500.
      if (error instanceof InvalidRangeError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
