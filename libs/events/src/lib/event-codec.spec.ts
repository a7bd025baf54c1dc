import { decodeEvent, encodeEvent, HEADER_EVENT_TYPE } from './event-codec';
import { samplePageView, samplePurchase } from './event.fixtures';

describe('event codec', () => {
  it('round-trips a valid event, keyed by session with type headers', () => {
    const event = samplePurchase();
    const encoded = encodeEvent(event);
    expect(encoded.key).toBe('s-0001');
    expect(encoded.headers[HEADER_EVENT_TYPE]).toBe('purchase');
    expect(decodeEvent(encoded.value)).toEqual({ ok: true, event });
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(decodeEvent(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ ok: false, reason: 'invalid_utf8' });
  });

  it('rejects invalid JSON and non-objects', () => {
    expect(decodeEvent(Buffer.from('{"event_id":'))).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(decodeEvent(Buffer.from('[1,2]'))).toMatchObject({ ok: false, reason: 'not_an_object' });
  });

  it('rejects an unknown event type', () => {
    const bad = { ...samplePageView(), event_type: 'teleport' };
    expect(decodeEvent(Buffer.from(JSON.stringify(bad)))).toMatchObject({ ok: false, reason: 'unknown_event_type' });
  });

  it.each([
    ['missing event_id', (e: Record<string, unknown>) => delete e['event_id'], 'event_id'],
    ['null user_id', (e: Record<string, unknown>) => (e['user_id'] = null), 'user_id'],
    ['price as string', (e: Record<string, any>) => (e['product'].price_cents = '12.99'), 'product.price_cents'],
    ['bad device type', (e: Record<string, any>) => (e['device'].type = 'fridge'), 'device.type'],
    ['time without millis', (e: Record<string, unknown>) => (e['event_time'] = '2026-11-27T10:15:30Z'), 'event_time'],
    ['bad country', (e: Record<string, unknown>) => (e['country'] = 'XX'), 'country'],
    ['lower-case country', (e: Record<string, unknown>) => (e['country'] = 'de'), 'country'],
    ['month 13', (e: Record<string, unknown>) => (e['event_time'] = '2026-13-01T00:00:00.000Z'), 'event_time'],
    ['30 February', (e: Record<string, unknown>) => (e['event_time'] = '2026-02-30T10:00:00.000Z'), 'event_time'],
    ['hour 24', (e: Record<string, unknown>) => (e['event_time'] = '2026-11-27T24:00:00.000Z'), 'event_time'],
    ['second 60', (e: Record<string, unknown>) => (e['event_time'] = '2026-11-27T10:00:60.000Z'), 'event_time'],
  ])('names the field on a schema violation: %s', (_name, mutate, field) => {
    const event = JSON.parse(JSON.stringify(samplePageView()));
    mutate(event);
    const result = decodeEvent(Buffer.from(JSON.stringify(event)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('schema_violation');
    expect(result.details.some((d) => d.startsWith(field))).toBe(true);
  });

  it('accepts the edges of real times and upper-case countries', () => {
    for (const [event_time, country] of [
      ['2024-02-29T23:59:59.999Z', 'DE'],
      ['2026-12-31T00:00:00.000Z', 'US'],
    ]) {
      const result = decodeEvent(Buffer.from(JSON.stringify({ ...samplePageView(), event_time, country })));
      expect([event_time, result.ok]).toEqual([event_time, true]);
    }
  });

  it('says why a time or a country is refused', () => {
    const result = decodeEvent(Buffer.from(JSON.stringify({ ...samplePageView(), event_time: '2026-02-30T10:00:00.000Z', country: 'de' })));
    expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
    if (result.ok) return;
    expect(result.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^event_time.* must be an ISO-8601 UTC time with milliseconds \(YYYY-MM-DDTHH:mm:ss\.sssZ\) of a real date and time$/),
        expect.stringMatching(/^country.* must be an upper-case ISO 3166-1 alpha-2 code$/),
      ]),
    );
  });

  it('rejects a purchase with a zero-quantity line', () => {
    const event = JSON.parse(JSON.stringify(samplePurchase()));
    event.items[0].quantity = 0;
    const result = decodeEvent(Buffer.from(JSON.stringify(event)));
    expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
  });

  it('rejects a purchase line that is an array, not an object (empty or not)', () => {
    for (const line of [[], [{ product_id: 'p-1' }]]) {
      const event = JSON.parse(JSON.stringify(samplePurchase()));
      event.items[0] = line;
      const result = decodeEvent(Buffer.from(JSON.stringify(event)));
      expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
      if (!result.ok) expect(result.details).toContain('items: each value in items must be an object');
    }
  });
});

describe('decodeEvent on hostile input', () => {
  function deepExtraField(depth: number): Buffer {
    const event = JSON.stringify({ ...samplePageView(), extra: 0 });
    const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    return Buffer.from(event.replace('"extra":0', `"extra":${nested}`));
  }

  it('refuses a valid event carrying an extra field nested 10,000 deep, without throwing', () => {
    const result = decodeEvent(deepExtraField(10_000));
    expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
    if (!result.ok) expect(result.details[0]).toMatch(/^too_deep: \$\.extra\.a.* nests deeper than 32 levels$/);
  });

  it('still accepts an event with a harmless extra field', () => {
    expect(decodeEvent(deepExtraField(3)).ok).toBe(true);
  });

  it('refuses deep arrays and objects of any kind as data', () => {
    for (const text of ['['.repeat(100_000) + ']'.repeat(100_000), '{"event_type":"search","x":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}']) {
      expect(() => decodeEvent(Buffer.from(text))).not.toThrow();
      expect(decodeEvent(Buffer.from(text)).ok).toBe(false);
    }
  });

  it('names the real violation of a quantity given as a string', () => {
    const event = JSON.parse(JSON.stringify(samplePurchase()));
    event.items[0].quantity = '2';
    const result = decodeEvent(Buffer.from(JSON.stringify(event)));
    expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
    if (!result.ok) expect(result.details[0]).toBe('items.0.quantity must be an integer number');
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 200 }, () => next() % 256));
      expect(decodeEvent(bytes).ok).toBe(false);
    }
  });
});
