import { eventTimeMillis, parseIsoUtcMillis } from './event-time-parsing';

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

describe('eventTimeMillis', () => {
  it.each(['2026-11-27T10:15:30.123Z', '2026-11-27T10:15:30Z', '2026-11-27T11:15:30.123+01:00', '2024-02-29T00:00:00.000Z', 'not a time'])(
    'agrees with Date.parse on %s',
    (text) => {
      expect(eventTimeMillis(text)).toEqual(Date.parse(text));
    },
  );
});
