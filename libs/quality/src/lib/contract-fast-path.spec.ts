import { decodeEvent, isCertainlyValidEvent, validateEvent, validateEventWithDtos, type DecodeResult } from '@pipeline/events';
import { ClickstreamSimulation, FAULT_KINDS } from '@pipeline/simulation';

/**
 * decodeEvent accepts well-formed events through a precompiled mirror of the DTOs (isCertainlyValidEvent) and
 * sends everything else to class-validator. These tests prove the two give the same verdict (and the same
 * rejection details) on every generated event, every injected fault kind and a matrix of hand-made breakages.
 */
const START = Date.parse('2026-11-27T10:00:00.000Z');

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
    const replacements: Array<[string, unknown]> = [
      ['null', null],
      ['empty string', ''],
      ['number', 12],
      ['float', 1.5],
      ['negative', -1],
      ['huge', 100_000_001],
      ['boolean', true],
      ['object', {}],
      ['array', []],
      ['string of 65', 'x'.repeat(65)],
      ['string of 257', 'x'.repeat(257)],
      ['string of 513', 'x'.repeat(513)],
      ['64 emoji (128 UTF-16 units)', '\u{1F600}'.repeat(64)],
      ['numeric string', '12'],
    ];

    for (const [type, event] of Object.entries(samples)) {
      for (const path of leafPaths(event)) {
        it(`${type}: ${path.join('.')} missing or replaced`, () => {
          expectSameVerdict(encode(withRemoved(event, path)));
          for (const [, replacement] of replacements) expectSameVerdict(encode(withValue(event, path, replacement)));
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

function sampleEventsByType(): Record<string, Record<string, unknown>> {
  const simulation = new ClickstreamSimulation({ seed: 3, startTime: START });
  const byType: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 20_000 && Object.keys(byType).length < 6; i++) {
    const event = JSON.parse(simulation.next().value.toString('utf8')) as Record<string, unknown>;
    const key = event['event_type'] === 'page_view' && event['product'] === null ? 'page_view (no product)' : String(event['event_type']);
    byType[key] ??= event;
  }
  expect(Object.keys(byType).sort()).toEqual(['add_to_cart', 'page_view', 'page_view (no product)', 'purchase', 'remove_from_cart', 'search']);
  return byType;
}

/** Every field path, objects and arrays included (items.0.quantity, device, ...). */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const paths: string[][] = prefix.length > 0 ? [prefix] : [];
  for (const [key, child] of Object.entries(value)) paths.push(...leafPaths(child, [...prefix, key]));
  return paths;
}

function withValue(event: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(event) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = replacement;
  return copy;
}

function withRemoved(event: unknown, path: string[]): unknown {
  const copy = structuredClone(event) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (Array.isArray(target)) target.splice(Number(path[path.length - 1]), 1);
  else delete target[path[path.length - 1]];
  return copy;
}

function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
