/**
 * How fast `ClickstreamSimulation.next()` produces encoded messages (not a test).
 * Run from the workspace root:
 *   TS_NODE_PROJECT=tsconfig.base.json TS_NODE_TRANSPILE_ONLY=1 \
 *     node -r ts-node/register -r tsconfig-paths/register libs/simulation/bench/next-throughput.ts [events]
 */
import { ClickstreamSimulation, type SimulationOptions } from '../src';

function measure(label: string, options: SimulationOptions, events: number): void {
  const sim = new ClickstreamSimulation({ seed: 1, startTime: Date.parse('2026-11-27T00:00:00Z'), ...options });
  for (let i = 0; i < 20_000; i++) sim.next(); // warm up the JIT
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < events; i++) bytes += sim.next().value.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = Math.round(events / seconds).toLocaleString('en-US');
  console.log(`${label.padEnd(28)} ${rate.padStart(9)} events/s  (${events.toLocaleString('en-US')} in ${seconds.toFixed(2)} s, avg ${Math.round(bytes / events)} B)`);
}

const events = Number(process.argv[2] ?? 500_000);
measure('clean', {}, events);
measure('badRatio 0.05', { badRatio: 0.05 }, events);
measure('real clock (now())', { startTime: undefined }, events);
