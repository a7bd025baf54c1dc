import { IsoTimeFormatter } from './iso-time-formatter';

describe('IsoTimeFormatter', () => {
  it('formats exactly like Date#toISOString, in stream order and in random order', () => {
    const formatter = new IsoTimeFormatter();
    const wrong: string[] = [];
    const check = (ms: number) => {
      const expected = new Date(ms).toISOString();
      const actual = formatter.format(ms);
      if (actual !== expected) wrong.push(`${ms}: ${actual} != ${expected}`);
    };
    // A stream: small steps, across minute, hour, day, month, year and leap-day boundaries.
    for (let ms = Date.UTC(2027, 11, 31, 23, 58, 0), i = 0; i < 20_000; i++, ms += (i * 7919) % 997) check(ms);
    for (let ms = Date.UTC(2028, 1, 28, 23, 59, 59, 0), i = 0; i < 3_000; i++, ms += 13) check(ms);
    // Anywhere a Date can go: before 1970, years before 1000 and after 9999 (six-digit years), the extremes.
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x1_0000_0000;
    for (let i = 0; i < 20_000; i++) check(Math.round((next() * 2 - 1) * 8.64e15));
    for (let i = 0; i < 20_000; i++) check(Math.round((next() * 2 - 1) * 1e13));
    for (const ms of [0, -0, -1, 1, -59_999, -60_000, -60_001, 8.64e15, -8.64e15, 8.64e15 - 1, 253402300799999, 253402300800000]) {
      check(ms);
    }
    expect(wrong).toEqual([]);
  });

  it('truncates fractional milliseconds and throws on invalid times, like Date', () => {
    const formatter = new IsoTimeFormatter();
    for (const ms of [1.5, -1.5, 1790000000000.999]) expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [8.64e15 + 1, -8.64e15 - 1, 8.64e15 + 59_999, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatter.format(ms)).toThrow(RangeError);
    }
  });
});
