import type { ShopEvent } from '@pipeline/events';
import { defaultRecordRules } from './default-rules';
import { compileRecordRules, evaluateRecord } from './record-evaluator';
import { allowedSetRule, formatRule, numericRangeRule, timestampRangeRule } from './record-rules';
import { addToCart, edit, pageView, purchase, REMOVE, removeFromCart, search } from './testing/event-variants';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');
const context = { nowMs: NOW };
const compiled = compileRecordRules(defaultRecordRules());

/** Rule ids failing on an event under the default rules. */
function failingRules(event: unknown): string[] {
  return evaluateRecord(compiled, event as ShopEvent, context).map((failure) => failure.ruleId);
}

describe('default record rules', () => {
  it.each([
    ['page view', pageView()],
    ['page view without product', pageView({ product: null, page: '/' })],
    ['search', search()],
    ['add to cart', addToCart()],
    ['remove from cart', removeFromCart()],
    ['purchase', purchase()],
  ])('pass a valid %s', (_name, event) => {
    expect(failingRules(event)).toEqual([]);
  });

  describe('required (null detection)', () => {
    it.each([
      ['null user_id', { user_id: null }],
      ['missing event_time', { event_time: REMOVE }],
      ['empty session_id', { session_id: '' }],
      ['null device os', { 'device.os': null }],
    ])('fails on %s', (_name, changes) => {
      expect(failingRules(edit(pageView(), changes))).toContain('not_null');
    });

    it('requires kind-specific fields: a purchase line without a price, a search without a query', () => {
      const bought = edit(purchase(), { 'items.1.price_cents': null });
      expect(evaluateRecord(compiled, bought as unknown as ShopEvent, context)).toContainEqual({
        ruleId: 'not_null',
        severity: 'error',
        message: 'items[1] price_cents is missing',
      });
      expect(failingRules(edit(search(), { query: REMOVE }))).toContain('not_null');
    });

    it('treats an empty items list as missing', () => {
      expect(failingRules({ ...purchase(), items: [], revenue_cents: 0 })).toContain('not_null');
    });

    it('does not require optional fields (page, referrer, page view product)', () => {
      expect(failingRules(pageView({ page: null, referrer: null, product: null }))).toEqual([]);
    });
  });

  describe('data type', () => {
    it.each([
      ['price as text', { 'product.price_cents': '12.99' }, 'price_cents is not an integer'],
      ['fractional price', { 'product.price_cents': 12.5 }, 'price_cents is not an integer'],
      ['numeric user id', { user_id: 42 }, 'user_id is not a string'],
      ['time without millis', { event_time: '2026-11-27T10:15:30Z' }, 'event_time is not a timestamp'],
      ['impossible date', { event_time: '2026-02-30T10:15:30.000Z' }, 'event_time is not a timestamp'],
    ])('fails on %s', (_name, changes, message) => {
      const event = edit(pageView(), changes) as unknown as ShopEvent;
      const failure = evaluateRecord(compiled, event, context).find((f) => f.ruleId === 'data_type');
      expect(failure?.message).toBe(message);
    });

    it('checks purchase lines and leaves absent values to not_null', () => {
      expect(failingRules(edit(purchase(), { 'items.0.quantity': '2' }))).toContain('data_type');
      expect(failingRules(edit(pageView(), { user_id: null }))).toEqual(['not_null']);
    });
  });

  describe('allowed sets', () => {
    it.each([
      ['event type', { event_type: 'teleport' }, 'allowed_event_type'],
      ['device type', { device: { type: 'fridge', os: 'x', browser: 'y' } }, 'allowed_device_type'],
      ['schema version', { schema_version: 2 }, 'supported_schema_version'],
    ])('reject an unknown %s', (_name, override, ruleId) => {
      expect(failingRules({ ...pageView(), ...override })).toContain(ruleId);
    });

    it('checks currency on products, purchases and every purchase line', () => {
      expect(failingRules(edit(pageView(), { 'product.currency': 'JPY' }))).toEqual(['allowed_currency']);
      expect(failingRules(edit(purchase(), { 'items.1.currency': 'JPY' }))).toEqual([
        'allowed_currency',
        'purchase_currency_matches_items',
      ]);
    });

    it('checks the payment method of purchases', () => {
      expect(failingRules({ ...purchase(), payment_method: 'cash' })).toEqual(['allowed_payment_method']);
    });
  });

  describe('price range (1 .. 5,000,000 cents by default)', () => {
    const priced = (price_cents: number) => addToCart({ product: { ...addToCart().product, price_cents } });

    it.each([
      [1, true],
      [5_000_000, true],
      [0, false],
      [-100, false],
      [5_000_001, false],
    ])('price_cents %d passes: %s', (price, passes) => {
      expect(failingRules(priced(price)).includes('price_range')).toBe(!passes);
    });

    it('checks every purchase line and honours a configured ceiling', () => {
      expect(failingRules(edit(purchase(), { 'items.1.price_cents': 0, revenue_cents: 2598 }))).toEqual(['price_range']);
      const strict = compileRecordRules(defaultRecordRules({ maxPriceCents: 1000 }));
      expect(evaluateRecord(strict, purchase(), context).map((f) => f.ruleId)).toEqual(['price_range']);
    });
  });

  describe('quantity range (1 .. N)', () => {
    it.each([
      [1, true],
      [100, true],
      [0, false],
      [101, false],
    ])('cart quantity %d passes: %s', (quantity, passes) => {
      expect(failingRules(addToCart({ quantity })).includes('quantity_range')).toBe(!passes);
    });

    it('checks purchase lines against a configured N', () => {
      const rules = compileRecordRules(defaultRecordRules({ maxQuantity: 1 }));
      // The fixture buys 2 mugs.
      expect(evaluateRecord(rules, purchase(), context).map((f) => f.ruleId)).toEqual(['quantity_range']);
    });
  });

  describe('timestamp range (5 min skew, 7 days max age)', () => {
    const at = (ms: number) => pageView({ event_time: new Date(ms).toISOString() });

    it.each([
      ['exactly now + skew', NOW + 5 * 60_000, true],
      ['1 ms beyond the skew', NOW + 5 * 60_000 + 1, false],
      ['exactly 7 days old', NOW - 7 * 86_400_000, true],
      ['1 ms older than 7 days', NOW - 7 * 86_400_000 - 1, false],
    ])('%s (%d) passes: %s', (_name, time, passes) => {
      expect(failingRules(at(time)).includes('event_time_range')).toBe(!passes);
    });

    it('uses the injected clock and explains the failure', () => {
      const event = at(NOW + 10 * 60_000);
      expect(evaluateRecord(compiled, event, { nowMs: NOW + 10 * 60_000 })).toEqual([]);
      expect(evaluateRecord(compiled, event, context)).toContainEqual({
        ruleId: 'event_time_range',
        severity: 'error',
        message: 'event_time is 600s in the future (allowed 300s)',
      });
    });

    it('reads other ISO forms and epoch ms in custom rules', () => {
      const rule = timestampRangeRule({
        id: 't',
        description: 't',
        column: 'event_time',
        read: (e) => (e.event_id === 'ms' ? NOW + 3_600_000 : e.event_time),
        maxFutureSkewMs: 0,
        maxAgeMs: 86_400_000,
      });
      expect(rule.check(pageView({ event_time: '2026-11-27T10:00:00Z' }), context)).toBeUndefined();
      expect(rule.check(pageView({ event_id: 'ms' }), context)).toBe('event_time is 3600s in the future (allowed 0s)');
      expect(rule.check(pageView({ event_time: 'yesterday' }), context)).toBe('event_time "yesterday" is not a time');
    });
  });

  describe('formats', () => {
    it('requires a UUID event id', () => {
      expect(failingRules(pageView({ event_id: 'not-a-uuid' }))).toEqual(['event_id_format']);
      expect(failingRules(pageView({ event_id: '0B0E8A52-8C1F-4C2A-9D55-2D0E3F0A1B01' }))).toEqual([]);
    });

    it('requires an upper-case two-letter country', () => {
      expect(failingRules(pageView({ country: 'usa' }))).toEqual(['country_format']);
      expect(failingRules(pageView({ country: 'us' }))).toEqual(['country_format']);
    });

    it('refuses stateful (global) patterns that would alternate between pass and fail', () => {
      expect(() =>
        formatRule({ id: 'f', description: 'f', column: 'country', pattern: /^[A-Z]{2}$/g, formatName: 'x', read: (e) => e.country }),
      ).toThrow(/global or sticky/);
    });
  });

  describe('consistency', () => {
    it('purchase revenue equals the sum of its lines', () => {
      expect(failingRules({ ...purchase(), revenue_cents: 3049 })).toEqual(['revenue_matches_items']);
    });

    it('cart events carry a product', () => {
      expect(failingRules(edit(addToCart(), { product: null }))).toEqual(expect.arrayContaining(['not_null', 'cart_has_product']));
    });

    it('purchase currency equals its lines currency', () => {
      expect(failingRules({ ...purchase(), currency: 'EUR' })).toEqual(['purchase_currency_matches_items']);
    });
  });
});

describe('rule factories', () => {
  it('allowedSetRule skips absent values and lists the allowed ones', () => {
    const rule = allowedSetRule({ id: 'a', description: 'a', column: 'page', values: ['/', '/cart'], read: (e) => e.page });
    expect(rule.check(pageView({ page: null }), context)).toBeUndefined();
    expect(rule.check(pageView({ page: '/x' }), context)).toBe('page "/x" is not one of /|/cart');
  });

  it('numericRangeRule fails values that are not numbers', () => {
    const rule = numericRangeRule({ id: 'n', description: 'n', column: 'quantity', min: 1, read: () => Number.NaN });
    expect(rule.check(pageView(), context)).toBe('quantity NaN is outside [1, Infinity]');
  });

  it('defaults severity to error and keeps appliesTo and mostly', () => {
    const rule = numericRangeRule({
      id: 'n',
      description: 'n',
      column: 'quantity',
      appliesTo: ['add_to_cart'],
      mostly: 0.9,
      read: () => 1,
    });
    expect(rule).toMatchObject({ severity: 'error', kind: 'numeric_range', appliesTo: ['add_to_cart'], mostly: 0.9 });
  });
});
