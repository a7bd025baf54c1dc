import { Equals, IsInt, IsNotEmpty, IsString, MaxLength, Min } from 'class-validator';
import { requiredString } from './checks';
import { EnvelopeDto, sampleEnvelope, type EventEnvelope } from './envelope';
import { loose, type EventKind } from './event-kind';
import { rowNumber, rowText } from './row-values';
import { isInt, min } from './validator-functions';

export interface SearchEvent extends EventEnvelope {
  event_type: 'search';
  query: string;
  results_count: number;
}

export class SearchEventDto extends EnvelopeDto {
  @Equals('search')
  event_type!: 'search';

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  query!: string;

  @IsInt()
  @Min(0)
  results_count!: number;
}

export const searchKind: EventKind<SearchEvent> = {
  type: 'search',
  dto: SearchEventDto,
  keys: ['query', 'results_count'],
  nullableKeys: [],
  isCertainlyValid: (e) => requiredString(e['query'], 256) && isInt(e['results_count']) && min(e['results_count'], 0),
  columns: {
    query: (e) => e.query,
    results_count: (e) => e.results_count,
  },
  qualityFields: [
    { column: 'query', type: 'string', required: true, read: (e) => loose(e)['query'] },
    { column: 'results_count', type: 'integer', required: true, read: (e) => loose(e)['results_count'] },
  ],
  fromRow: (row, envelope) => ({
    ...envelope,
    event_type: 'search',
    query: rowText(row, 'query'),
    results_count: rowNumber(row, 'results_count'),
  }),
  sample: () => ({ ...sampleEnvelope(), event_type: 'search', page: '/search', query: 'blue mug', results_count: 12 }),
  countColumn: 'searches',
  label: 'Search',
  colour: '#76b7b2',
};
