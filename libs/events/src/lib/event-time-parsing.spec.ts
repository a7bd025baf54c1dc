import { epochDay, eventTimeMillis, parseIsoUtcMillis } from './event-time-parsing';

describe('parseIsoUtcMillis', () => {
  it.each([
    '2026-11-27T10:15:30.123Z',
    '2024-02-29T23:59:59.999Z',
    '2026-01-01T00:00:00.000Z',
    '1999-12-31T12:00:00.500Z',
  ])('agrees with Date.parse on %s', (text) => {
    expect(parseIsoUtcMillis(text)).toBe(Date.parse(text));
  });

  it.each([
    '2026-11-27T10:15:30Z',
    '2026-11-27 10:15:30.123Z',
    '2026-11-27T10:15:30.123+01:00',
    '2026-02-29T10:15:30.123Z',
    '2026-04-31T10:15:30.123Z',
    '2026-13-01T10:15:30.123Z',
    '2026-11-27T24:00:00.000Z',
    '2026-11-27T10:60:00.000Z',
    '2026-1a-27T10:15:30.123Z',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoUtcMillis(text)).toBeNaN();
  });

  it('answers a repeated string from its one-entry memo without mixing strings up', () => {
    const a = '2026-11-27T10:15:30.123Z';
    const b = '2026-11-27T10:15:30.124Z';
    expect(parseIsoUtcMillis(a)).toBe(Date.parse(a));
    expect(parseIsoUtcMillis(a)).toBe(Date.parse(a));
    expect(parseIsoUtcMillis(b)).toBe(Date.parse(b));
  });
});

describe('epochDay', () => {
  it('agrees with Date.UTC on every day from 1600 to 2400 (leap centuries, 1970, year ends)', () => {
    const wrong: string[] = [];
    for (let ms = Date.UTC(1600, 0, 1); ms <= Date.UTC(2400, 11, 31); ms += 86_400_000) {
      const date = new Date(ms);
      if (epochDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()) * 86_400_000 !== ms) wrong.push(date.toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it('makes parseIsoUtcMillis agree with Date.parse to the millisecond across days, months and years', () => {
    const start = Date.parse('1999-12-31T23:59:59.999Z');
    const texts = Array.from({ length: 20_000 }, (_, i) => new Date(start + i * 1_576_543_219).toISOString()).filter((t) => t.length === 24);
    expect(texts.length).toBeGreaterThan(19_000);
    expect(texts.filter((text) => parseIsoUtcMillis(text) !== Date.parse(text))).toEqual([]);
  });
});

describe('eventTimeMillis', () => {
  it.each(['2026-11-27T10:15:30.123Z', '2026-11-27T10:15:30Z', '2026-11-27T11:15:30.123+01:00', '2024-02-29T00:00:00.000Z', 'not a time'])(
    'agrees with Date.parse on %s',
    (text) => {
      expect(eventTimeMillis(text)).toEqual(Date.parse(text));
    },
  );
});
