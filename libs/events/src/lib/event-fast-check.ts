import { EVENT_KINDS } from './event-kinds';
import { hasOnlyKeys, isPlainObject } from './kinds/checks';
import { ENVELOPE_KEYS, envelopeIsCertainlyValid } from './kinds/envelope';
import type { EventKind } from './kinds/event-kind';

/**
 * A precompiled mirror of the event DTOs (each kind's module under `kinds/`) for the common case: a well-formed
 * event. It answers only "certainly valid" (true) or "ask class-validator" (false), never "invalid": decodeEvent
 * runs the DTOs on every false, so verdicts and error messages always come from class-validator, which stays
 * the contract.
 *
 * It is sound because it accepts less than the DTOs do: only plain objects whose keys are all known fields
 * (so class-transformer copies them unchanged: no `__proto__`, no extras) and whose values already have the
 * exact JSON type a decorator wants. Every check is class-validator's own function with the decorator's
 * argument. Whenever a decorator changes, change the kind's `isCertainlyValid` too; the equivalence test over
 * generated events and every fault kind (libs/quality contract-fast-path.spec.ts) fails if the two disagree.
 *
 * Why: plainToInstance + validateSync cost ~30 µs per event (metadata lookups, instance building), most of
 * the processor's CPU; these checks cost about 1 µs.
 */
export function isCertainlyValidEvent(candidate: unknown): boolean {
  if (!isPlainObject(candidate)) return false;
  const type = candidate['event_type'];
  const check = typeof type === 'string' ? CHECK_BY_TYPE.get(type) : undefined;
  if (check === undefined || !hasOnlyKeys(candidate, check.keys) || !envelopeIsCertainlyValid(candidate)) return false;
  return check.kind.isCertainlyValid(candidate);
}

interface KindCheck {
  /** Envelope keys plus the kind's own. */
  keys: ReadonlySet<string>;
  kind: EventKind<never>;
}

const CHECK_BY_TYPE: ReadonlyMap<string, KindCheck> = new Map(
  EVENT_KINDS.map((kind) => [kind.type, { keys: new Set([...ENVELOPE_KEYS, ...kind.keys]), kind: kind as unknown as EventKind<never> }]),
);
