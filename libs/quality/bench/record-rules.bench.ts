/**
 * Micro-benchmark of the default record rules (not a test). Run from the workspace root:
 *
 *   TS_NODE_BASEURL=$PWD TS_NODE_PROJECT=libs/quality/tsconfig.lib.json \
 *     npx ts-node -r tsconfig-paths/register --transpile-only libs/quality/bench/record-rules.bench.ts [events]
 *
 * (tsconfig.base.json has paths but no baseUrl, which tsconfig-paths needs: hence TS_NODE_BASEURL.)
 * Events are generated up front; only evaluation is timed. Reports the best of several rounds.
 */
import { performance } from 'node:perf_hooks';
import { decodeEvent, encodeEvent, type ShopEvent } from '@pipeline/events';
import { compileRecordRules, defaultRecordRules, evaluateRecord, QualityTally } from '../src';
import { eventMix } from '../src/lib/testing/event-variants';

const EVENTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 7;
const START = '2026-11-27T10:00:00.000Z';
const context = { nowMs: Date.parse(START) + EVENTS * 10 };

// Through JSON like the processor's decodeEvent, so objects have the shapes and memory layout of parsed messages.
const events: ShopEvent[] = eventMix(EVENTS, START).map((event) => JSON.parse(JSON.stringify(event)));
// A few bad events so the failure path is exercised too (1 in 1,000 over the price ceiling).
for (let i = 0; i < events.length; i += 1_000) {
  const event = events[i];
  if (event.event_type === 'page_view' && event.product) event.product = { ...event.product, price_cents: 9_000_000 };
}

const compiled = compileRecordRules(defaultRecordRules());
const rulesPerEvent =
  events.reduce((total, event) => total + compiled.byEventType[event.event_type].length, 0) / events.length;

function round(label: string, run: () => number): void {
  let best = Infinity;
  let failures = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    failures = run();
    best = Math.min(best, performance.now() - started);
  }
  const eventsPerSecond = EVENTS / (best / 1000);
  console.log(
    `${label}: ${EVENTS} events in ${best.toFixed(1)} ms (best of ${ROUNDS}) = ` +
      `${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s, ` +
      `${Math.round(eventsPerSecond * rulesPerEvent).toLocaleString('en-US')} rule evaluations/s, ${failures} failing events`,
  );
}

console.log(`${compiled.rules.length} default record rules, ${rulesPerEvent.toFixed(2)} apply per event on average`);
round('evaluateRecord', () => {
  let failing = 0;
  for (const event of events) if (evaluateRecord(compiled, event, context).length > 0) failing++;
  return failing;
});
round('QualityTally.evaluate (with counting)', () => {
  const tally = new QualityTally(compiled, context);
  let failing = 0;
  for (const event of events) if (tally.evaluate(event).length > 0) failing++;
  return failing;
});

// For scale: the contract check that runs before the rules on every message (10,000 messages).
const encoded = events.slice(0, 10_000).map((event) => encodeEvent(event).value);
let best = Infinity;
for (let r = 0; r < 3; r++) {
  const started = performance.now();
  for (const value of encoded) decodeEvent(value);
  best = Math.min(best, performance.now() - started);
}
console.log(`decodeEvent (for scale): ${Math.round(encoded.length / (best / 1000)).toLocaleString('en-US')} messages/s`);
