import { decodeEvent, encodeEvent, type DecodeResult, type ShopEvent } from '@pipeline/events';
import { classifyContractRejection, columnOfPath, CONTRACT_OTHER_RULE_ID, contractViolationReasons } from './contract-rejections';
import { defaultRecordRules } from './default-rules';
import { compileRecordRules } from './record-evaluator';
import { consistencyRule } from './record-rules';
import { edit, pageView, purchase, REMOVE } from './testing/event-variants';

const compiled = compileRecordRules(defaultRecordRules());

/** Edits a copy of the event, runs it through the real decoder, returns the rejection and the parsed candidate. */
function reject(event: ShopEvent, changes: Record<string, unknown>) {
  const candidate = edit(event, changes);
  const result: DecodeResult = decodeEvent(Buffer.from(JSON.stringify(candidate)));
  if (result.ok) throw new Error('expected the contract to reject the event');
  return { rejection: result, candidate };
}

const ruleIds = (violations: { ruleId: string }[]) => violations.map((v) => v.ruleId);

describe('classifyContractRejection', () => {
  it.each([
    ['null user_id', pageView(), { user_id: null }, ['not_null']],
    ['price as text', pageView(), { 'product.price_cents': '12.99' }, ['data_type']],
    ['fractional revenue', purchase(), { revenue_cents: 30.48 }, ['data_type']],
    ['unknown device type', pageView(), { 'device.type': 'fridge' }, ['allowed_device_type']],
    ['line in yen', purchase(), { 'items.1.currency': 'JPY' }, ['allowed_currency']],
    ['payment in cash', purchase(), { payment_method: 'cash' }, ['allowed_payment_method']],
    ['schema version 2', pageView(), { schema_version: 2 }, ['supported_schema_version']],
    ['negative price', pageView(), { 'product.price_cents': -1 }, ['price_range']],
    ['zero quantity line', purchase(), { 'items.0.quantity': 0 }, ['quantity_range']],
    ['bad UUID', pageView(), { event_id: 'abc' }, ['event_id_format']],
    ['unknown country', pageView(), { country: 'XX' }, ['country_format']],
    ['time without millis', pageView(), { event_time: '2026-11-27T10:15:30Z' }, ['data_type']],
    ['overlong user id', pageView(), { user_id: 'u'.repeat(65) }, ['data_type']],
    ['empty items', purchase(), { items: [] }, ['not_null']],
    ['null and bad type together', pageView(), { session_id: null, 'device.type': 'fridge' }, ['not_null', 'allowed_device_type']],
  ])('maps %s to its rule', (_name, event, changes, expected) => {
    const { rejection } = reject(event, changes);
    expect(ruleIds(classifyContractRejection(compiled, rejection))).toEqual(expected);
  });

  it.each([
    ['missing event_id', { event_id: REMOVE }],
    ['null country', { country: null }],
    ['null device', { device: null }],
    ['null event_time', { event_time: null }],
  ])('with the candidate at hand, reports %s as missing (the messages alone say "format"/"type")', (_name, changes) => {
    const { rejection, candidate } = reject(pageView(), changes);
    expect(ruleIds(classifyContractRejection(compiled, rejection, candidate))).toEqual(['not_null']);
  });

  it('counts a field once per rule even when it breaks several constraints', () => {
    const { rejection } = reject(pageView(), { user_id: null });
    expect(rejection.details.length).toBeGreaterThan(1);
    const violations = classifyContractRejection(compiled, rejection);
    expect(violations).toEqual([{ ruleId: 'not_null', column: 'user_id', detail: expect.stringMatching(/^user_id /) }]);
    expect(contractViolationReasons(violations)).toEqual([`not_null: ${violations[0].detail}`]);
  });

  it('maps unknown and missing event types', () => {
    const unknown = reject(pageView(), { event_type: 'teleport' });
    expect(ruleIds(classifyContractRejection(compiled, unknown.rejection))).toEqual(['allowed_event_type']);
    const missing = reject(pageView(), { event_type: null });
    expect(ruleIds(classifyContractRejection(compiled, missing.rejection))).toEqual(['not_null']);
    expect(ruleIds(classifyContractRejection(compiled, missing.rejection, missing.candidate))).toEqual(['not_null']);
  });

  it('maps undecodable messages to the data type rule', () => {
    for (const bytes of [Buffer.from([0x7b, 0xff]), Buffer.from('{"event_id":'), Buffer.from('[1]')]) {
      const result = decodeEvent(bytes);
      if (result.ok) throw new Error('expected a rejection');
      expect(classifyContractRejection(compiled, result)).toEqual([
        { ruleId: 'data_type', column: null, detail: result.details[0] },
      ]);
    }
  });

  it('finds user rules by kind and column, and falls back to contract_other when no rule covers a rejection', () => {
    const onlyConsistency = compileRecordRules([
      consistencyRule({ id: 'c', description: 'c', columns: ['revenue_cents'], check: () => undefined }),
    ]);
    const { rejection } = reject(pageView(), { user_id: null });
    expect(ruleIds(classifyContractRejection(onlyConsistency, rejection))).toEqual([CONTRACT_OTHER_RULE_ID]);
  });

  it('accepts the rejection of a message encoded by the real codec', () => {
    const encoded = encodeEvent({ ...pageView(), country: 'usa' });
    const result = decodeEvent(encoded.value);
    if (result.ok) throw new Error('expected a rejection');
    expect(ruleIds(classifyContractRejection(compiled, result))).toEqual(['country_format']);
  });
});

describe('columnOfPath', () => {
  it.each([
    ['device.type', 'device_type'],
    ['product.name', 'product_name'],
    ['items.0.price_cents', 'price_cents'],
    ['items.12.currency', 'currency'],
    ['items.1', 'items_json'],
    ['user_id', 'user_id'],
  ])('%s -> %s', (path, column) => {
    expect(columnOfPath(path)).toBe(column);
  });
});
