import { createHash } from 'node:crypto';
import { EVENT_TYPES } from '@pipeline/events';
import { FAULT_KINDS, isFaultKind, MAX_RATE, MIN_RATE, type FaultKind, type Rate, type SimulationOptions } from '@pipeline/simulation';

/** What the generator CLI was asked to do. Unset limits mean "run until interrupted". */
export interface GeneratorArgs {
  count?: number;
  durationMs?: number;
  rate: Rate;
  seed?: number;
  /** Epoch ms; makes the stream reproducible (simulated clock). */
  startTime?: number;
  badRatio: number;
  faults?: FaultKind[];
  catalogSize?: number;
  users?: number;
  sessions?: number;
  dryRun: boolean;
  /** Send only what the topic lacks of this run (same --seed, --count and stream options). */
  resume: boolean;
  help: boolean;
}

export const DEFAULT_CLI_RATE = 100;

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The usage text printed by --help and after a bad argument. */
export function usage(program = 'generator'): string {
  return [
    `Usage: ${program} [options]`,
    '',
    `Generates a seeded e-commerce clickstream (${EVENT_TYPES.join(', ')}).`,
    '',
    'Options:',
    '  --count N            stop after N messages',
    '  --duration D         stop after D, e.g. 30s, 5m, 1h (units: ms, s, m, h)',
    `  --rate R             events per second, ${MIN_RATE}..${MAX_RATE}, or "max" for no pacing (default ${DEFAULT_CLI_RATE})`,
    '  --seed N             random seed (integer); same seed + options + start time => identical stream',
    '  --start-time ISO     simulated clock start, e.g. 2026-11-27T00:00:00Z (default: real clock)',
    '  --bad-ratio X        share of messages with an injected fault, 0..1 (default 0)',
    `  --faults K,K         fault kinds to inject (default all): ${FAULT_KINDS.join(', ')}`,
    '  --catalog-size N     products in the catalog (default 200)',
    '  --users N            users in the population (default 5000)',
    '  --sessions N         concurrent sessions (default 50)',
    '  --dry-run            print messages instead of sending them to Kafka',
    '  --resume             continue a killed --count run: same --seed, --count and options; sends only the',
    '                       messages of the run the topic does not hold yet (read back from its partitions)',
    '  --help               show this text',
    '',
    'Without --count or --duration the generator runs until interrupted (Ctrl-C).',
  ].join('\n');
}

type Handler = (args: GeneratorArgs, value: string, flag: string) => void;

const VALUE_FLAGS: Record<string, Handler> = {
  '--count': (a, v, f) => (a.count = parseInteger(v, f, 1)),
  '--duration': (a, v, f) => (a.durationMs = parseDuration(v, f)),
  '--rate': (a, v, f) => (a.rate = parseRate(v, f)),
  '--seed': (a, v, f) => (a.seed = parseInteger(v, f, Number.MIN_SAFE_INTEGER)),
  '--start-time': (a, v, f) => (a.startTime = parseIsoTime(v, f)),
  '--bad-ratio': (a, v, f) => (a.badRatio = parseRatio(v, f)),
  '--faults': (a, v, f) => (a.faults = parseFaults(v, f)),
  '--catalog-size': (a, v, f) => (a.catalogSize = parseInteger(v, f, 1)),
  '--users': (a, v, f) => (a.users = parseInteger(v, f, 1)),
  '--sessions': (a, v, f) => (a.sessions = parseInteger(v, f, 1)),
};

const BOOLEAN_FLAGS: Record<string, (args: GeneratorArgs) => void> = {
  '--dry-run': (a) => (a.dryRun = true),
  '--resume': (a) => (a.resume = true),
  '--help': (a) => (a.help = true),
  '-h': (a) => (a.help = true),
};

/**
 * Parses CLI arguments (pass `process.argv.slice(2)`). Accepts `--flag value` and `--flag=value`.
 * Throws an Error naming the flag on any bad input, so the CLI can print it above the usage text.
 */
export function parseGeneratorArgs(argv: readonly string[]): GeneratorArgs {
  const args: GeneratorArgs = { rate: DEFAULT_CLI_RATE, badRatio: 0, dryRun: false, resume: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const toggle = BOOLEAN_FLAGS[flag];
    if (toggle) {
      if (eq > 0) throw new Error(`${flag} takes no value`);
      toggle(args);
      continue;
    }
    const handler = VALUE_FLAGS[flag];
    if (!handler) {
      throw new Error(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${token}"`);
    }
    let value: string | undefined;
    if (eq > 0) value = token.slice(eq + 1);
    else {
      value = argv[i + 1];
      // A following flag is not a value ("--count --rate 5"); a negative number is ("--seed -3").
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
      i++;
    }
    handler(args, value, flag);
  }
  if (args.resume && !args.help) {
    if (args.count === undefined || args.seed === undefined) throw new Error('--resume needs the --count and --seed of the run it continues');
    if (args.dryRun) throw new Error('--resume reads what Kafka holds: it cannot be combined with --dry-run');
  }
  return args;
}

/**
 * Names a run's stream: its seed and a hash of every option that shapes the stream (not the rate, which only paces
 * it, nor the count, which only ends it). `--resume` names the run it continues with it.
 */
export function generatorRunId(args: GeneratorArgs): string {
  const shape = JSON.stringify([args.startTime ?? null, args.badRatio, args.faults ?? null, args.catalogSize ?? null, args.users ?? null, args.sessions ?? null]);
  return `${args.seed}:${createHash('sha256').update(shape).digest('hex').slice(0, 12)}`;
}

/** Maps parsed CLI arguments onto simulation options. */
export function simulationOptionsFromArgs(args: GeneratorArgs): SimulationOptions {
  return {
    seed: args.seed,
    startTime: args.startTime,
    badRatio: args.badRatio,
    faultKinds: args.faults,
    catalogSize: args.catalogSize,
    userCount: args.users,
    concurrentSessions: args.sessions,
  };
}

function parseInteger(value: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new Error(`${flag}: expected an integer, got "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${flag}: ${value} is too large`);
  if (n < min) throw new Error(`${flag}: must be at least ${min}, got ${n}`);
  return n;
}

export function parseDuration(value: string, flag = '--duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new Error(`${flag}: expected a duration like 30s, 5m or 1h (units ms, s, m, h), got "${value}"`);
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2]];
  if (!(ms > 0)) throw new Error(`${flag}: must be greater than zero, got "${value}"`);
  return ms;
}

function parseRate(value: string, flag: string): Rate {
  if (value.trim().toLowerCase() === 'max') return 'max';
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag}: expected a number of events/s or "max", got "${value}"`);
  if (n < MIN_RATE || n > MAX_RATE) throw new Error(`${flag}: must be between ${MIN_RATE} and ${MAX_RATE} events/s, got ${n}`);
  return n;
}

function parseRatio(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error(`${flag}: expected a number between 0 and 1, got "${value}"`);
  }
  return n;
}

function parseFaults(value: string, flag: string): FaultKind[] {
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
  if (kinds.length === 0) throw new Error(`${flag}: expected a comma-separated list of fault kinds`);
  const unknown = kinds.filter((k) => !isFaultKind(k));
  if (unknown.length > 0) {
    throw new Error(`${flag}: unknown fault kind(s) ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  }
  return [...new Set(kinds as FaultKind[])];
}

/**
 * ISO-8601 with an explicit zone (Z or ±hh:mm) or a bare date (UTC by spec). A local date-time is refused:
 * it would mean different instants on different machines and break reproducibility.
 */
function parseIsoTime(value: string, flag: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const text = value.trim();
  const ms = iso.test(text) && isRealCalendarDate(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`${flag}: expected an ISO-8601 time with a zone, e.g. 2026-11-27T00:00:00Z, got "${value}"`);
  }
  return ms;
}

/** Date.parse rolls 2026-02-30 over to March 2; a typo should be an error instead. */
function isRealCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
