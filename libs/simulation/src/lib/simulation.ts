import { encodeEvent, type ShopEvent } from '@pipeline/events';
import { buildCatalog, Catalog, type Product } from './catalog';
import { FAULT_KINDS, FaultInjector, isFaultKind, type FaultKind, type GeneratedMessage } from './faults';
import { IsoTimeFormatter } from './iso-time-formatter';
import { MinHeap } from './priority-queue';
import { SeededRandom, deriveSeed } from './random';
import { DEFAULT_FUNNEL_RATES, Session, type FunnelRates, type SessionContext } from './session';
import { buildUsers, UserPopulation, type User } from './users';

export interface SimulationOptions extends Partial<FunnelRates> {
  /** Same seed + same options + same startTime => byte-identical stream. Default 42. */
  seed?: number;
  /**
   * Epoch ms where the simulated clock starts. When set, event times come from the simulation (think times,
   * arrivals) and the stream is reproducible. When absent, events are stamped with `now()` (the real clock).
   */
  startTime?: number;
  /** Real clock used when `startTime` is absent. Default Date.now. */
  now?: () => number;
  /** Products in the catalog. Default 200. */
  catalogSize?: number;
  /** Users in the population. Default 5,000. */
  userCount?: number;
  /** Visits in progress at once, interleaving their events. Default 50. */
  concurrentSessions?: number;
  /** Mean pause between two events of one visit (exponential). Default 15,000 ms. */
  meanThinkTimeMs?: number;
  /** Mean pause before a finished visit's slot is taken by a new visitor (exponential). Default 20,000 ms. */
  meanArrivalGapMs?: number;
  /** Share of messages corrupted with an injected fault, 0..1. Default 0. */
  badRatio?: number;
  /** Which faults to inject (drawn uniformly). Default: all of FAULT_KINDS. */
  faultKinds?: readonly FaultKind[];
}

export interface ResolvedSimulationOptions extends FunnelRates {
  seed: number;
  startTime: number | null;
  catalogSize: number;
  userCount: number;
  concurrentSessions: number;
  meanThinkTimeMs: number;
  meanArrivalGapMs: number;
  badRatio: number;
  faultKinds: readonly FaultKind[];
}

export const DEFAULT_SIMULATION_OPTIONS: Readonly<Omit<ResolvedSimulationOptions, 'startTime'>> = {
  ...DEFAULT_FUNNEL_RATES,
  seed: 42,
  catalogSize: 200,
  userCount: 5_000,
  concurrentSessions: 50,
  meanThinkTimeMs: 15_000,
  meanArrivalGapMs: 20_000,
  badRatio: 0,
  faultKinds: FAULT_KINDS,
};

/** Shortest pause between two events of a visit: nobody clicks twice within 200 ms. */
const MIN_THINK_MS = 200;

/** Something that produces messages one at a time: what GeneratorRunner drives. */
export interface MessageSource {
  next(): GeneratedMessage;
}

/**
 * The e-commerce clickstream: a catalog, a user population and a pool of concurrent visits. Each visit
 * has its own next-event time; the earliest one always goes next (a priority queue), so with a simulated
 * clock the event times of the whole stream never decrease.
 */
export class ClickstreamSimulation implements MessageSource {
  readonly options: ResolvedSimulationOptions;
  readonly catalog: Catalog;
  readonly users: readonly User[];

  private readonly sessionRng: SeededRandom;
  private readonly faultRng: SeededRandom;
  private readonly faults: FaultInjector;
  private readonly population: UserPopulation;
  private readonly context: SessionContext;
  private readonly pool = new MinHeap<Session>();
  /** Formats event times like toISOString, reusing the date part within a minute (most consecutive events). */
  private readonly isoTime = new IsoTimeFormatter();
  private readonly now: () => number;
  private sessionSeq = 0;
  private clock: number;
  private emitted = 0;

  constructor(options: SimulationOptions = {}) {
    this.options = resolveOptions(options);
    const { seed } = this.options;
    this.now = options.now ?? Date.now;
    this.catalog = new Catalog(buildCatalog(SeededRandom.fromSeed(deriveSeed(seed, 'catalog')), this.options.catalogSize));
    this.users = buildUsers(SeededRandom.fromSeed(deriveSeed(seed, 'users')), this.options.userCount);
    this.population = new UserPopulation(this.users);
    this.sessionRng = SeededRandom.fromSeed(deriveSeed(seed, 'sessions'));
    this.faultRng = SeededRandom.fromSeed(deriveSeed(seed, 'faults'));
    this.faults = new FaultInjector(this.faultRng, this.catalog.products);
    this.context = { rng: this.sessionRng, catalog: this.catalog, rates: this.options };

    const origin = this.options.startTime ?? this.now();
    this.clock = origin;
    // Stagger the first visits over one think time, so the stream does not open with 50 landings at once.
    for (let i = 0; i < this.options.concurrentSessions; i++) {
      this.pool.push(this.newSession(origin + Math.floor(this.sessionRng.float() * this.options.meanThinkTimeMs)));
    }
  }

  /** Time of the last emitted event (epoch ms): simulated, or the real clock when no startTime was given. */
  get clockMs(): number {
    return this.clock;
  }

  get eventsEmitted(): number {
    return this.emitted;
  }

  get products(): readonly Product[] {
    return this.catalog.products;
  }

  /** The next clean event of the stream (never corrupted; `next()` is the one that injects faults). */
  nextEvent(): ShopEvent {
    const session = this.pool.peek();
    if (!session) throw new Error('no active session'); // unreachable: the pool is refilled on every end
    const scheduled = session.time;
    // Real clock: never step back (NTP adjustments), so times stay non-decreasing like the simulated ones.
    const time = this.options.startTime === null ? Math.max(this.clock, Math.floor(this.now())) : scheduled;
    this.clock = time;
    const event = session.emit(this.sessionRng.uuid(), this.isoTime.format(time));
    if (session.done) {
      this.pool.pop();
      this.pool.push(this.newSession(scheduled + Math.round(this.sessionRng.exponential(this.options.meanArrivalGapMs))));
    } else {
      const think = this.sessionRng.exponential(this.options.meanThinkTimeMs * session.nextThinkScale);
      session.time = scheduled + Math.max(MIN_THINK_MS, Math.round(think));
      this.pool.topChanged();
    }
    this.emitted++;
    return event;
  }

  /** The next message for a sink: the encoded event, corrupted with probability `badRatio`. */
  next(): GeneratedMessage {
    const event = this.nextEvent();
    const { badRatio, faultKinds } = this.options;
    if (badRatio > 0 && this.faultRng.chance(badRatio)) {
      const injected = this.faults.corrupt(this.faultRng.pick(faultKinds), event, this.clock);
      if (injected) return injected;
    }
    this.faults.remember(event.event_id);
    const encoded = encodeEvent(event);
    return { key: encoded.key, value: encoded.value, headers: encoded.headers, eventType: event.event_type, fault: null };
  }

  /** Convenience for scripts and tests. */
  take(count: number): GeneratedMessage[] {
    const out: GeneratedMessage[] = [];
    for (let i = 0; i < count; i++) out.push(this.next());
    return out;
  }

  private newSession(startTime: number): Session {
    return new Session(this.context, this.population.visitor(this.sessionRng), startTime, this.sessionSeq++);
  }
}

function resolveOptions(options: SimulationOptions): ResolvedSimulationOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimulationOptions;
  const resolved: ResolvedSimulationOptions = {
    ...DEFAULT_SIMULATION_OPTIONS,
    ...defined,
    startTime: options.startTime ?? null,
    faultKinds: options.faultKinds ?? DEFAULT_SIMULATION_OPTIONS.faultKinds,
  };
  // `now` is a function, not an option value to echo back.
  delete (resolved as Partial<SimulationOptions>).now;
  validateOptions(resolved);
  return resolved;
}

function validateOptions(o: ResolvedSimulationOptions): void {
  const integer = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  };
  const probability = (name: string, value: number) => {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  };
  const positive = (name: string, value: number) => {
    if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a positive number, got ${value}`);
  };
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  if (o.startTime !== null && !(Number.isFinite(o.startTime) && Math.abs(o.startTime) <= 8.64e15)) {
    throw new RangeError(`startTime must be epoch milliseconds, got ${o.startTime}`);
  }
  integer('catalogSize', o.catalogSize, 1);
  integer('userCount', o.userCount, 1);
  integer('concurrentSessions', o.concurrentSessions, 1);
  positive('meanThinkTimeMs', o.meanThinkTimeMs);
  positive('meanArrivalGapMs', o.meanArrivalGapMs);
  if (!(o.meanPageViews >= 0 && Number.isFinite(o.meanPageViews))) {
    throw new RangeError(`meanPageViews must be >= 0, got ${o.meanPageViews}`);
  }
  probability('addToCartRate', o.addToCartRate);
  probability('cartConversionRate', o.cartConversionRate);
  probability('bounceRate', o.bounceRate);
  probability('searchRate', o.searchRate);
  probability('removeFromCartRate', o.removeFromCartRate);
  probability('badRatio', o.badRatio);
  if (o.faultKinds.length === 0) throw new RangeError('faultKinds must not be empty');
  for (const kind of o.faultKinds) {
    if (!isFaultKind(kind)) throw new RangeError(`unknown fault kind "${String(kind)}"; known: ${FAULT_KINDS.join(', ')}`);
  }
}
