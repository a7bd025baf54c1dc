import { decodeEvent, isCertainlyValidEvent, validateEvent, validateEventWithDtos, type DecodeResult } from '@pipeline/events';
import { ClickstreamSimulation, FAULT_KINDS } from '@pipeline/simulation';
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
 * decodeEvent accepts well-formed events through a precompiled mirror of the DTOs (isCertainlyValidEvent) and
 * sends everything else to class-validator. These tests prove the two give the same verdict (and the same
 * rejection details) on every generated event, every injected fault kind and a matrix of hand-made breakages.
 */
const START = MUTATION_START;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** decodeEvent's steps with class-validator alone deciding: strict UTF-8, JSON, then the DTOs. */
function dtoVerdict(value: Buffer): DecodeResult | 'unparseable' {
  try {
    return validateEventWithDtos(JSON.parse(strictUtf8.decode(value)));
  } catch {
    return 'unparseable';
  }
}

/** Same verdict, same event, same details: decodeEvent vs class-validator alone. */
function expectSameVerdict(value: Buffer): DecodeResult {
  const decoded = decodeEvent(value);
  const reference = dtoVerdict(value);
  if (reference === 'unparseable') {
    expect(decoded.ok).toBe(false);
  } else {
    expect(decoded).toEqual(reference);
  }
  return decoded;
}

describe('the fast contract path agrees with class-validator', () => {
  it('on 20,000 generated events: every one is valid by both, and the fast path accepts them all', () => {
    const simulation = new ClickstreamSimulation({ seed: 7, startTime: START });
    let fastAccepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = simulation.next().value;
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      const fast = isCertainlyValidEvent(parsed);
      const reference = validateEventWithDtos(parsed);
      // One expect per mismatch only: 20,000 expects would dominate the run time.
      if (!fast || !reference.ok) expect({ i, fast, reference }).toEqual({ i, fast: true, reference: { ok: true, event: parsed } });
      fastAccepted += 1;
    }
    expect(fastAccepted).toBe(20_000);
  });

  it.each(FAULT_KINDS)('on injected %s faults', (kind) => {
    const simulation = new ClickstreamSimulation({ seed: 11, startTime: START, badRatio: 1, faultKinds: [kind] });
    let rejected = 0;
    for (let i = 0; i < 200; i++) {
      const message = simulation.next();
      const decoded = expectSameVerdict(message.value);
      if (!decoded.ok) rejected += 1;
    }
    // The faults the contract catches are all rejected (not accepted by the fast path by mistake).
    if (['missing_field', 'null_value', 'wrong_type', 'negative_price', 'absurd_price', 'zero_quantity'].includes(kind)) {
      expect(rejected).toBeGreaterThan(0);
    }
  });

  describe('on a matrix of broken fields', () => {
    const samples = sampleEventsByType();
    it('has a sample of every kind', () => {
      expect(Object.keys(samples).sort()).toEqual(['add_to_cart', 'page_view', 'page_view (no product)', 'purchase', 'remove_from_cart', 'search']);
    });

    for (const [type, event] of Object.entries(samples)) {
      for (const path of leafPaths(event)) {
        it(`${type}: ${path.join('.')} missing or replaced`, () => {
          expectSameVerdict(encode(withRemoved(event, path)));
          for (const [, replacement] of FIELD_REPLACEMENTS) expectSameVerdict(encode(withValue(event, path, replacement)));
        });
      }
      it(`${type}: extra keys at the root and nested, and a __proto__ key`, () => {
        expectSameVerdict(encode({ ...event, extra: 1 }));
        expectSameVerdict(Buffer.from(JSON.stringify(event).replace(/^\{/, '{"__proto__":{"x":1},'), 'utf8'));
        expectSameVerdict(encode({ ...event, device: { ...(event['device'] as object), extra: 'x' } }));
        for (const key of ['product', 'items']) {
          if (event[key]) expectSameVerdict(encode(withValue(event, [key], 'not an object')));
        }
      });
    }
  });

  it('rejects the same way when the input is not an object at all', () => {
    for (const parsed of [null, 1, 'x', [], [{}], true]) expect(validateEvent(parsed)).toEqual(validateEventWithDtos(parsed));
  });
});
