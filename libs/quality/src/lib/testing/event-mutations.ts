import { ClickstreamSimulation } from '@pipeline/simulation';

/**
 * Generated events of every kind and field-by-field breakages of them, for the specs that compare two ways of
 * judging an event (the fast contract path with class-validator, the rules after the contract with all the rules).
 */

export const MUTATION_START = Date.parse('2026-11-27T10:00:00.000Z');

/** What a field is replaced with: every JSON type, empty and over-long strings, boundary numbers. */
export const FIELD_REPLACEMENTS: ReadonlyArray<[string, unknown]> = [
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

/** One generated event per kind (a page view with and without a product), as parsed JSON. */
export function sampleEventsByType(): Record<string, Record<string, unknown>> {
  const simulation = new ClickstreamSimulation({ seed: 3, startTime: MUTATION_START });
  const byType: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 20_000 && Object.keys(byType).length < 6; i++) {
    const event = JSON.parse(simulation.next().value.toString('utf8')) as Record<string, unknown>;
    const key = event['event_type'] === 'page_view' && event['product'] === null ? 'page_view (no product)' : String(event['event_type']);
    byType[key] ??= event;
  }
  return byType;
}

/** Every field path, objects and arrays included (items.0.quantity, device, ...). */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const paths: string[][] = prefix.length > 0 ? [prefix] : [];
  for (const [key, child] of Object.entries(value)) paths.push(...leafPaths(child, [...prefix, key]));
  return paths;
}

export function withValue(event: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(event) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = replacement;
  return copy;
}

export function withRemoved(event: unknown, path: string[]): unknown {
  const copy = structuredClone(event) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (Array.isArray(target)) target.splice(Number(path[path.length - 1]), 1);
  else delete target[path[path.length - 1]];
  return copy;
}

export function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
