import type { ShopEvent } from '@pipeline/events';
import { defaultRecordRules } from './default-rules';
import {
  compileRecordRules,
  evaluateRecord,
  failureReasons,
  hasBlockingFailure,
  NO_FAILURES,
} from './record-evaluator';
import { consistencyRule } from './record-rules';
import type { RecordRule } from './rule.types';
import { addToCart, pageView, purchase, search } from './testing/event-variants';

const context = { nowMs: Date.parse('2026-11-27T10:30:00.000Z') };

const rule = (overrides: Partial<RecordRule>): RecordRule => ({
  id: 'r',
  description: 'r',
  severity: 'error',
  kind: 'consistency',
  columns: [],
  check: () => undefined,
  ...overrides,
});

describe('compileRecordRules', () => {
  it('keeps per event kind only the rules that apply, in declaration order', () => {
    const compiled = compileRecordRules(defaultRecordRules());
    const ids = (type: ShopEvent['event_type']) => compiled.byEventType[type].map((r) => r.id);
    expect(ids('search')).not.toContain('price_range');
    expect(ids('search')).not.toContain('revenue_matches_items');
    expect(ids('purchase')).toEqual(expect.arrayContaining(['price_range', 'revenue_matches_items', 'allowed_payment_method']));
    expect(ids('purchase')).not.toContain('cart_has_product');
    expect(ids('add_to_cart').indexOf('not_null')).toBeLessThan(ids('add_to_cart').indexOf('cart_has_product'));
  });

  it.each([
    ['duplicate ids', [rule({ id: 'x' }), rule({ id: 'x' })], /duplicate rule id "x"/],
    ['empty id', [rule({ id: '' })], /non-empty id/],
    ['mostly above 1', [rule({ mostly: 1.5 })], /mostly must be within/],
    ['unknown event kind', [rule({ appliesTo: ['checkout' as ShopEvent['event_type']] })], /unknown event types checkout/],
    ['bad severity', [rule({ severity: 'info' as RecordRule['severity'] })], /severity/],
  ])('rejects a rule list with %s', (_name, rules, message) => {
    expect(() => compileRecordRules(rules)).toThrow(message);
  });
});

describe('evaluateRecord', () => {
  const compiled = compileRecordRules(defaultRecordRules());

  it('returns the shared empty result for a clean event (no allocation on the hot path)', () => {
    expect(evaluateRecord(compiled, purchase(), context)).toBe(NO_FAILURES);
    expect(Object.isFrozen(NO_FAILURES)).toBe(true);
  });

  it('reports every failing rule with its severity and a reason', () => {
    const failures = evaluateRecord(compiled, addToCart({ quantity: 0, country: 'usa' }), context);
    expect(failures).toEqual([
      { ruleId: 'quantity_range', severity: 'error', message: 'quantity 0 is outside [1, 100]' },
      { ruleId: 'country_format', severity: 'error', message: 'country "usa" is not an ISO 3166-1 alpha-2 code' },
    ]);
    expect(failureReasons(failures)).toEqual([
      'quantity_range: quantity 0 is outside [1, 100]',
      'country_format: country "usa" is not an ISO 3166-1 alpha-2 code',
    ]);
  });

  it('routes only error failures to the DLQ; warn failures keep the record', () => {
    const warnOnly = compileRecordRules([
      consistencyRule({ id: 'has_referrer', description: 'd', severity: 'warn', columns: ['referrer'], check: (e) => (e.referrer ? undefined : 'no referrer') }),
    ]);
    const warned = evaluateRecord(warnOnly, pageView({ referrer: null }), context);
    expect(warned).toHaveLength(1);
    expect(hasBlockingFailure(warned)).toBe(false);
    expect(hasBlockingFailure(evaluateRecord(compiled, purchase({ revenue_cents: 1 }), context))).toBe(true);
  });

  it('counts a throwing rule as a failure instead of throwing', () => {
    const compiledThrowing = compileRecordRules([
      rule({
        id: 'fragile',
        check: (e) => {
          if (e.event_type === 'search') throw new Error('boom');
          return undefined;
        },
      }),
    ]);
    expect(evaluateRecord(compiledThrowing, search(), context)).toEqual([
      { ruleId: 'fragile', severity: 'error', message: 'rule threw: boom' },
    ]);
  });

  it('checks an event of an unknown kind against the rules that apply to every kind', () => {
    const alien = { ...pageView(), event_type: 'teleport' } as unknown as ShopEvent;
    const ids = evaluateRecord(compiled, alien, context).map((f) => f.ruleId);
    expect(ids).toEqual(['allowed_event_type']);
  });

  it('a user rule is one more entry in the list, the engine is untouched', () => {
    const rules = [
      ...defaultRecordRules(),
      consistencyRule({
        id: 'search_has_results_for_long_queries',
        description: 'long queries find something',
        severity: 'warn',
        columns: ['query', 'results_count'],
        appliesTo: ['search'],
        check: (e) => (e.event_type === 'search' && e.query.length > 20 && e.results_count === 0 ? 'no results' : undefined),
      }),
    ];
    const failures = evaluateRecord(compileRecordRules(rules), search({ query: 'a very long query about mugs', results_count: 0 }), context);
    expect(failures).toEqual([{ ruleId: 'search_has_results_for_long_queries', severity: 'warn', message: 'no results' }]);
  });
});
