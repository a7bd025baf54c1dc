import { matches } from 'class-validator';
import { ISO_UTC_MILLIS } from '../event.types';
import { matchesPattern } from './validator-functions';

describe('matchesPattern', () => {
  const candidates: unknown[] = [
    '2026-12-02T07:00:00.000Z',
    '2026-12-02T07:00:00Z',
    '2026-12-02 07:00:00.000Z',
    'x2026-12-02T07:00:00.000Z',
    '',
    42,
    null,
    undefined,
    { toString: () => '2026-12-02T07:00:00.000Z' },
  ];

  it("answers as class-validator's matches for a plain pattern, call after call", () => {
    for (let round = 0; round < 2; round++) {
      for (const value of candidates) expect([value, matchesPattern(value, ISO_UTC_MILLIS)]).toEqual([value, matches(value as string, ISO_UTC_MILLIS)]);
    }
  });

  it("leaves global and sticky patterns to class-validator's matches (test() would carry lastIndex between calls)", () => {
    const global = /a/g;
    expect([matchesPattern('a', global), matchesPattern('a', global)]).toEqual([true, true]);
    expect(matchesPattern('ba', /a/y)).toBe(matches('ba', /a/y));
  });
});
