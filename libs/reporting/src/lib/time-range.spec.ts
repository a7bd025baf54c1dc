import {
  ceilToHour,
  DAY_MS,
  formatRangeLabel,
  HOUR_MS,
  hourLabel,
  hourStartsOf,
  InvalidRangeError,
  MAX_RANGE_MS,
  parseInstant,
  rangeProblem,
  resolveTimeRange,
} from './time-range';

const T9 = Date.UTC(2026, 10, 27, 9);

describe('parseInstant', () => {
  it.each([
    ['2026-11-27', Date.UTC(2026, 10, 27)],
    ['2026-11-27T09:00Z', T9],
    ['2026-11-27T09:00:00Z', T9],
    ['2026-11-27T09:00:00.000Z', T9],
    ['2026-11-27T10:00:00+01:00', T9],
    ['2026-11-27T04:30:00-04:30', T9],
  ])('reads %s', (text, ms) => expect(parseInstant(text)).toBe(ms));

  it.each(['2026-11-27T09:00:00', 'yesterday', '2026-02-30', '2026-13-01', '27.11.2026', '', '2026-11-27T25:00:00Z', '1700000000000'])(
    'refuses %j',
    (text) => expect(parseInstant(text)).toBeNull(),
  );
});

describe('rangeProblem', () => {
  it('accepts a forward range of up to 31 days', () => {
    expect(rangeProblem(T9, T9 + 1)).toBeNull();
    expect(rangeProblem(T9, T9 + MAX_RANGE_MS)).toBeNull();
  });
  it('refuses an empty or reversed range', () => {
    expect(rangeProblem(T9, T9)).toBe('to must be after from');
    expect(rangeProblem(T9, T9 - HOUR_MS)).toBe('to must be after from');
  });
  it('refuses more than 31 days and says how long the range was', () => {
    expect(rangeProblem(T9, T9 + MAX_RANGE_MS + 1)).toBe('the range spans 32 days; at most 31 days can be asked for at once');
  });
});

describe('resolveTimeRange', () => {
  const latest = Date.UTC(2026, 10, 27, 12);
  it('uses both ends as given', () => expect(resolveTimeRange({ fromMs: T9, toMs: latest }, 0)).toEqual({ fromMs: T9, toMs: latest }));
  it('runs a default length from `from`', () => expect(resolveTimeRange({ fromMs: T9 }, 0)).toEqual({ fromMs: T9, toMs: T9 + DAY_MS }));
  it('runs a default length up to `to`', () => expect(resolveTimeRange({ toMs: T9 }, 0)).toEqual({ fromMs: T9 - DAY_MS, toMs: T9 }));
  it('ends at the newest data without either', () =>
    expect(resolveTimeRange({}, latest, 6 * HOUR_MS)).toEqual({ fromMs: latest - 6 * HOUR_MS, toMs: latest }));
  it('throws InvalidRangeError for a reversed range', () =>
    expect(() => resolveTimeRange({ fromMs: latest, toMs: T9 }, 0)).toThrow(InvalidRangeError));
});

describe('hours', () => {
  it('ceilToHour leaves a boundary alone and rounds anything else up', () => {
    expect(ceilToHour(T9)).toBe(T9);
    expect(ceilToHour(T9 + 1)).toBe(T9 + HOUR_MS);
  });
  it('hourStartsOf lists every hour the range touches, partial ones included', () => {
    expect(hourStartsOf({ fromMs: T9 + 30 * 60_000, toMs: T9 + 2 * HOUR_MS + 1 })).toEqual([T9, T9 + HOUR_MS, T9 + 2 * HOUR_MS]);
    expect(hourStartsOf({ fromMs: T9, toMs: T9 + HOUR_MS })).toEqual([T9]);
  });
});

describe('labels', () => {
  it('formats a range in UTC, with seconds only when present', () => {
    expect(formatRangeLabel({ fromMs: T9, toMs: T9 + DAY_MS })).toBe('2026-11-27 09:00 – 2026-11-28 09:00 UTC');
    expect(formatRangeLabel({ fromMs: T9 + 5_000, toMs: T9 + HOUR_MS })).toBe('2026-11-27 09:00:05 – 2026-11-27 10:00 UTC');
  });
  it('labels an hour by month-day and time', () => expect(hourLabel(T9)).toBe('11-27 09:00'));
});
