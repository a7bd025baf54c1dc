import { CURRENCIES, decodeEvent, DEVICE_TYPES, EVENT_TYPES, PAYMENT_METHODS, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation, FAULT_KINDS } from '@pipeline/simulation';
import { defaultRecordRules } from './default-rules';
import { compileRecordRules, evaluateRecord } from './record-evaluator';
import type { RecordRule } from './rule.types';
import {
  encode,
  FIELD_REPLACEMENTS,
  leafPaths,
  MUTATION_START,
  sampleEventsByType,
  withRemoved,
  withValue,
} from './testing/event-mutations';

/**
 * The processor's gate skips the record rules the event contract already guarantees (RecordRule.afterContract).
 * That is only right if, on every event the contract accepts, the rules after the contract answer exactly as all
 * the rules do. Checked here over generated events, every injected fault kind and a matrix of field breakages
 * (each leaf removed or replaced by every JSON type and by boundary values of the contract and the rules).
 */

/** Values near the edges of what the contract and the default rules allow, beyond FIELD_REPLACEMENTS. */
const BOUNDARY_VALUES: unknown[] = [
  0,
  1,
  100,
  101,
  1_000,
  1_001,
  5_000_000,
  5_000_001,
  100_000_000,
  Number.MAX_SAFE_INTEGER,
  ...EVENT_TYPES,
  ...DEVICE_TYPES,
  ...CURRENCIES,
  ...PAYMENT_METHODS,
  'MOBILE',
  'eur',
  'DE',
  'de',
  'XX',
  'ZZ',
  'D',
  '00000000-0000-0000-0000-000000000000',
  'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D',
  'a1b2c3d4-e5f6-1a7b-8c9d-0e1f2a3b4c5d',
  '2026-11-27T10:00:00.000Z',
  '2026-13-01T00:00:00.000Z',
  '2026-02-30T10:00:00.000Z',
  '2026-11-27T24:00:00.000Z',
  '2026-11-27T10:00:60.000Z',
  '2026-11-27T10:00:00Z',
  ' ',
];

/** Every contract-accepted event of the corpus. */
function acceptedCorpus(): ShopEvent[] {
  const accepted: ShopEvent[] = [];
  const keep = (value: Buffer) => {
    const decoded = decodeEvent(value);
    if (decoded.ok) accepted.push(decoded.event);
  };
  const simulation = new ClickstreamSimulation({ seed: 7, startTime: MUTATION_START });
  for (let i = 0; i < 10_000; i++) keep(simulation.next().value);
  for (const kind of FAULT_KINDS) {
    const faulty = new ClickstreamSimulation({ seed: 11, startTime: MUTATION_START, badRatio: 1, faultKinds: [kind] });
    for (let i = 0; i < 200; i++) keep(faulty.next().value);
  }
  const replacements = [...FIELD_REPLACEMENTS.map(([, value]) => value), ...BOUNDARY_VALUES];
  for (const event of Object.values(sampleEventsByType())) {
    for (const path of leafPaths(event)) {
      keep(encode(withRemoved(event, path)));
      for (const replacement of replacements) keep(encode(withValue(event, path, replacement)));
    }
    // A purchase whose lines are in another currency than the purchase, and whose revenue is off by one.
    if (event['event_type'] === 'purchase') {
      keep(encode(withValue(event, ['items', '0', 'currency'], event['currency'] === 'EUR' ? 'USD' : 'EUR')));
      keep(encode(withValue(event, ['revenue_cents'], Number(event['revenue_cents']) + 1)));
    }
  }
  return accepted;
}

const corpus = acceptedCorpus();
const now = { nowMs: MUTATION_START + 60_000 };

/** Events on which the rules after the contract answer differently from all the rules. */
function disagreements(rules: readonly RecordRule[]): Array<{ event: ShopEvent; all: unknown; afterContract: unknown }> {
  const compiled = compileRecordRules(rules);
  const found: Array<{ event: ShopEvent; all: unknown; afterContract: unknown }> = [];
  for (const event of corpus) {
    const all = evaluateRecord(compiled, event, now);
    const afterContract = evaluateRecord(compiled, event, now, true);
    if (JSON.stringify(all) !== JSON.stringify(afterContract)) found.push({ event, all, afterContract });
  }
  return found;
}

describe('record rules after the contract', () => {
  it('the corpus holds many contract-accepted events, some of which fail the rules', () => {
    expect(corpus.length).toBeGreaterThan(11_000);
    const compiled = compileRecordRules(defaultRecordRules());
    const failing = corpus.filter((event) => evaluateRecord(compiled, event, now).length > 0);
    // Accepted by the contract, refused by a rule: prices, quantities, times, calendar dates, consistency.
    expect(failing.length).toBeGreaterThan(50);
  });

  it('answer exactly as all the default rules on every contract-accepted event', () => {
    expect(disagreements(defaultRecordRules())).toEqual([]);
  });

  it('skip most of the default rules', () => {
    const rules = defaultRecordRules();
    const compiled = compileRecordRules(rules);
    const implied = rules.filter((rule) => rule.afterContract === 'implied').map((rule) => rule.id);
    expect(implied).toEqual(
      expect.arrayContaining(['not_null', 'allowed_event_type', 'allowed_device_type', 'allowed_currency', 'event_id_format']),
    );
    for (const type of EVENT_TYPES) {
      expect(compiled.afterContractByEventType[type].length).toBeLessThan(compiled.byEventType[type].length);
      expect(compiled.afterContractByEventType[type].map((rule) => rule.id)).not.toContain('not_null');
    }
    // Business bounds stay: the contract allows prices of 0 and times far from now.
    expect(compiled.afterContractByEventType.purchase.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['price_range', 'quantity_range', 'event_time_range', 'revenue_matches_items']),
    );
  });

  // The corpus has teeth: a mark that claims more than the contract guarantees is caught.
  it.each([
    ['price_range', 'the contract allows a price of 0'],
    ['quantity_range', 'the contract allows up to 1,000 units'],
    ['event_time_range', 'the contract knows no clock'],
    ['purchase_currency_matches_items', 'the contract does not relate lines to the purchase'],
  ])('a false "implied" mark on %s is caught (%s)', (id) => {
    const rules = defaultRecordRules().map((rule) => (rule.id === id ? { ...rule, afterContract: 'implied' as const } : rule));
    expect(disagreements(rules).length).toBeGreaterThan(0);
  });
});
