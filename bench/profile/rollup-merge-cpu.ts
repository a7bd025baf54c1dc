// CPU of the rollups of one live hour: a processor writes a partial per batch and rolls the hour up every few
// batches (HourlyPartialsMerger: only new partials are read). Prints CPU ms per rollup as the hour grows.
// Run: npx ts-node -P bench/profile/tsconfig.json -r tsconfig-paths/register bench/profile/rollup-merge-cpu.ts [events] [batch] [batches per rollup] [baseline]
// With `baseline` (another tree's libs/storage/src/index.ts), the same rollups run with its merger in the same
// process, alternating: an A/B that the machine's noise hits alike.
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import * as storage from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const total = Number(process.argv[2] ?? 600_000);
const batchSize = Number(process.argv[3] ?? 5_000);
const batchesPerRollup = Number(process.argv[4] ?? 10);
const baselinePath = process.argv[5];
const START = Date.parse('2026-11-27T10:00:00.000Z');

async function main() {
  // A dense hour, as a fast producer's live hour is: the simulation's events, their times spread over 10:00-11:00.
  const events: ShopEvent[] = [];
  const simulation = new ClickstreamSimulation({ seed: 5, startTime: START });
  while (events.length < total) {
    const decoded = decodeEvent(simulation.next().value);
    if (!decoded.ok) continue;
    const at = new Date(START + Math.floor((events.length * 3_600_000) / total)).toISOString();
    events.push({ ...decoded.event, event_time: at });
  }
  const hour = storage.PartitionPath.fromEventTime(START);
  const variants: Array<{ name: string; lib: typeof storage }> = [{ name: 'this tree', lib: storage }];
  if (baselinePath) variants.push({ name: 'baseline', lib: require(baselinePath) as typeof storage });
  const spent = variants.map(() => ({ cpuMs: 0, rollups: 0, last: 0 }));
  const dirs = variants.map(() => mkdtempSync(join(tmpdir(), 'rollup-merge-')));
  const backends = variants.map((v, i) => new v.lib.LocalFileSystemBackend(dirs[i]));
  const mergers = variants.map((v) => new v.lib.HourlyPartialsMerger());
  let batchNo = 0;
  for (let from = 0; from < events.length; from += batchSize) {
    const partial = storage.serializePartial(storage.computePartial(hour, events.slice(from, from + batchSize)));
    const key = `partials/${hour}/t+0+${String(from).padStart(20, '0')}.json`;
    for (const backend of backends) await backend.writeAtomic(key, partial);
    batchNo++;
    if (batchNo % batchesPerRollup !== 0 && from + batchSize < events.length) continue;
    const order = batchNo % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
    for (const v of order) {
      const started = process.cpuUsage();
      await variants[v].lib.rollupHour(backends[v], hour, {}, mergers[v]);
      const used = process.cpuUsage(started);
      spent[v].last = (used.user + used.system) / 1000;
      spent[v].cpuMs += spent[v].last;
      spent[v].rollups++;
    }
  }
  const tables = await Promise.all(backends.map((b) => b.read(`metrics/summary/${hour}/summary.csv`)));
  variants.forEach((variant, v) =>
    console.log(
      `${variant.name.padEnd(10)} ${spent[v].rollups} rollups of an hour growing to ${events.length} events: ${spent[v].cpuMs.toFixed(0)} CPU ms in all (${((spent[v].cpuMs * 1000) / events.length).toFixed(2)} µs per event), the last ${spent[v].last.toFixed(0)} ms`,
    ),
  );
  if (tables.length > 1) console.log(`summary tables equal: ${tables[0].equals(tables[1])}`);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
void main();
