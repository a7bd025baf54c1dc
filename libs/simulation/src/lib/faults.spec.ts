import { decodeEvent, EVENT_TYPES, HEADER_EVENT_TYPE } from '@pipeline/events';
import {
  ABSURD_PRICE_THRESHOLD_CENTS,
  FAULT_CONTRACT_VERDICT,
  FAULT_KINDS,
  HEADER_INJECTED_FAULT,
  type FaultKind,
  type GeneratedMessage,
} from './faults';
import { ClickstreamSimulation } from './simulation';

const START = Date.parse('2026-11-27T00:00:00.000Z');
const HOUR_MS = 3_600_000;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type Plain = Record<string, unknown>;

interface Sample {
  message: GeneratedMessage;
  /** The clean message the same position of the same seed produces without faults. */
  clean: GeneratedMessage;
  clockMs: number;
}

/** Messages of one fault kind (badRatio 1), each paired with its clean twin from an identical fault-free run. */
function samples(kind: FaultKind, n = 300): Sample[] {
  const faulty = new ClickstreamSimulation({ seed: 21, startTime: START, badRatio: 1, faultKinds: [kind] });
  const clean = new ClickstreamSimulation({ seed: 21, startTime: START });
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const message = faulty.next();
    out.push({ message, clean: clean.next(), clockMs: faulty.clockMs });
  }
  return out;
}

function parse(message: GeneratedMessage): Plain {
  return JSON.parse(message.value.toString('utf8')) as Plain;
}

/** Every leaf of a JSON value as path -> JSON type, to spot a field whose type changed. */
function leafTypes(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leafTypes(child, path ? `${path}.${key}` : key, out);
    if (path) out.set(path, Array.isArray(value) ? 'array' : 'object');
  } else {
    out.set(path, value === null ? 'null' : typeof value);
  }
  return out;
}

function prices(event: Plain): number[] {
  const product = event['product'] as Plain | null | undefined;
  const items = (event['items'] as Plain[] | undefined) ?? [];
  return [...(product ? [product['price_cents'] as number] : []), ...items.map((i) => i['price_cents'] as number)];
}

/** What "really violates" means for each kind, checked on the message itself. */
const VIOLATES: Record<FaultKind, (s: Sample, earlierIds: Set<string>) => boolean> = {
  missing_field: ({ message }) => {
    const e = parse(message);
    return ['event_id', 'schema_version', 'event_time', 'user_id', 'session_id', 'device', 'country'].some((f) => !(f in e));
  },
  null_value: ({ message, clean }) => {
    const e = parse(message);
    const original = parse(clean);
    return Object.keys(original).some((key) => original[key] !== null && e[key] === null);
  },
  wrong_type: ({ message, clean }) => {
    const now = leafTypes(parse(message));
    return [...leafTypes(parse(clean))].some(([path, type]) => now.has(path) && now.get(path) !== type);
  },
  negative_price: ({ message }) => prices(parse(message)).some((p) => p < 0),
  absurd_price: ({ message }) => prices(parse(message)).some((p) => p > ABSURD_PRICE_THRESHOLD_CENTS),
  zero_quantity: ({ message }) => {
    const e = parse(message);
    if (e['event_type'] === 'add_to_cart' || e['event_type'] === 'remove_from_cart') return e['quantity'] === 0;
    return e['event_type'] === 'purchase' && (e['items'] as Plain[]).some((i) => i['quantity'] === 0);
  },
  future_timestamp: ({ message, clockMs }) => Date.parse(parse(message)['event_time'] as string) - clockMs > HOUR_MS,
  ancient_timestamp: ({ message, clockMs }) =>
    clockMs - Date.parse(parse(message)['event_time'] as string) > 365 * 24 * HOUR_MS,
  duplicate_event_id: ({ message }, earlierIds) => earlierIds.has(parse(message)['event_id'] as string),
  unknown_event_type: ({ message }) => !(EVENT_TYPES as readonly unknown[]).includes(parse(message)['event_type']),
  invalid_json: ({ message }) => {
    try {
      JSON.parse(strictUtf8.decode(message.value));
      return false;
    } catch {
      return true;
    }
  },
  invalid_utf8: ({ message }) => {
    try {
      strictUtf8.decode(message.value);
      return false;
    } catch {
      return true;
    }
  },
};

describe('fault injection', () => {
  describe.each(FAULT_KINDS.map((kind) => [kind]))('%s', (kind) => {
    const all = samples(kind);
    // duplicate_event_id needs an earlier id; the very first message of a stream cannot be one.
    const injected = all.filter((s) => s.message.fault !== null);

    it('is injected into every message at badRatio 1, marked with the header', () => {
      expect(injected.length).toBeGreaterThanOrEqual(all.length - 1);
      const unmarked = injected.filter((s) => s.message.fault !== kind || s.message.headers[HEADER_INJECTED_FAULT] !== kind);
      expect(unmarked).toEqual([]);
    });

    it("keeps the session's key", () => {
      expect(injected.filter((s) => s.message.key !== s.clean.key)).toEqual([]);
    });

    it('really violates what it says', () => {
      const earlierIds = new Set<string>();
      const misses: string[] = [];
      for (const s of all) {
        if (s.message.fault && !VIOLATES[kind](s, earlierIds)) misses.push(s.message.value.toString('utf8'));
        if (!s.message.fault) earlierIds.add(parse(s.message)['event_id'] as string);
      }
      expect(misses).toEqual([]);
    });

    it(`is ${FAULT_CONTRACT_VERDICT[kind] === 'accepted' ? 'accepted' : 'rejected'} by decodeEvent as documented`, () => {
      const verdicts = new Set(
        injected.map(({ message }) => {
          const decoded = decodeEvent(message.value);
          return decoded.ok ? 'accepted' : decoded.reason;
        }),
      );
      expect([...verdicts]).toEqual([FAULT_CONTRACT_VERDICT[kind]]);
    });

    it('reports the event type (stats, header) as in the body, or null when the value is unparseable', () => {
      const unparseable = kind === 'invalid_json' || kind === 'invalid_utf8';
      const mismatched = injected.filter(({ message }) =>
        unparseable
          ? message.eventType !== null
          : message.eventType !== parse(message)['event_type'] || message.headers[HEADER_EVENT_TYPE] !== message.eventType,
      );
      expect(mismatched).toEqual([]);
    });
  });

  it('reuses ids that really were emitted earlier in the stream, as otherwise valid events', () => {
    const sim = new ClickstreamSimulation({ seed: 4, startTime: START, badRatio: 0.05, faultKinds: ['duplicate_event_id'] });
    const seen = new Set<string>();
    let duplicates = 0;
    const problems: string[] = [];
    for (const message of sim.take(5_000)) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) problems.push(`rejected: ${decoded.reason}`);
      else if (message.fault === 'duplicate_event_id') {
        duplicates++;
        if (!seen.has(decoded.event.event_id)) problems.push(`id ${decoded.event.event_id} was never emitted`);
      } else {
        if (seen.has(decoded.event.event_id)) problems.push(`clean event reuses ${decoded.event.event_id}`);
        seen.add(decoded.event.event_id);
      }
    }
    expect(problems).toEqual([]);
    expect(duplicates).toBeGreaterThan(150);
  });

  it('corrupts about badRatio of the messages, spread over the configured kinds', () => {
    const sim = new ClickstreamSimulation({ seed: 6, startTime: START, badRatio: 0.1 });
    const messages = sim.take(12_000);
    const faulty = messages.filter((m) => m.fault !== null);
    expect(faulty.length / messages.length).toBeGreaterThan(0.085);
    expect(faulty.length / messages.length).toBeLessThan(0.115);
    expect(new Set(faulty.map((m) => m.fault))).toEqual(new Set(FAULT_KINDS));
    // The header is on exactly the injected messages.
    expect(messages.filter((m) => (HEADER_INJECTED_FAULT in m.headers) !== (m.fault !== null))).toEqual([]);
  });

  it('injects only the configured kinds', () => {
    const sim = new ClickstreamSimulation({ seed: 6, startTime: START, badRatio: 0.5, faultKinds: ['invalid_json', 'null_value'] });
    const kinds = new Set(sim.take(1_000).map((m) => m.fault));
    expect(kinds).toEqual(new Set([null, 'invalid_json', 'null_value']));
  });

});
