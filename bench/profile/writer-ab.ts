// The Parquet encoder of an older build (parquetjs's writer + the row shredder, before the flat writer) vs this one,
// interleaved in one process on the same events, best and median µs of process CPU (all threads) per event:
//   mkdir -p tmp/base-codec && for f in parquet-codec flat-row-shredder; do
//     git show a044a6a:libs/storage/src/lib/$f.ts > tmp/base-codec/$f.ts; done
//   TS_NODE_PROJECT=bench/profile/tsconfig.json node --max-semi-space-size=32 -r ts-node/register -r tsconfig-paths/register bench/profile/writer-ab.ts [rounds]
// (UV_THREADPOOL_SIZE=1 in front for one pool thread; ONLY=new or ONLY=base for one of them, e.g. under --cpu-prof.)
import { decodeEvent, EVENT_COLUMNS, toEventRow, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet } from '@pipeline/storage';
import { encodeParquetFrom as baseEncode } from '../../tmp/base-codec/parquet-codec';
const read = new Map(EVENT_COLUMNS.map((c) => [c.name, c.read as (e: ShopEvent) => string | number | null]));
const baseEvents = (events: ShopEvent[], compression: 'GZIP' | 'SNAPPY') =>
  baseEncode(EVENT_COLUMNS, { rows: events, columnValue: (name) => read.get(name)!, toRow: toEventRow }, { compression });
async function main() {
  const events: ShopEvent[] = new ClickstreamSimulation({ seed: 7 }).take(100_000).flatMap((m) => { const d = decodeEvent(m.value); return d.ok ? [d.event] : []; });
  const results = new Map<string, number[]>();
  const rounds = Number(process.argv[2] ?? 8);
  for (let round = 0; round < rounds; round++) for (const compression of ['GZIP', 'SNAPPY'] as const) for (const variant of (process.env.ONLY ? [process.env.ONLY] : ['base', 'new']) as ('base' | 'new')[]) {
    const before = process.cpuUsage(); const t = performance.now(); let bytes = 0;
    for (let s = 0; s < events.length; s += 20_000) {
      const chunk = events.slice(s, s + 20_000);
      bytes += (variant === 'base' ? await baseEvents(chunk, compression) : await encodeEventsParquet(chunk, { compression })).length;
    }
    const cpu = process.cpuUsage(before); const wall = performance.now() - t;
    const key = `${variant} ${compression} ${(bytes / events.length).toFixed(1)} B/event`;
    results.set(key, [...(results.get(key) ?? []), (cpu.user + cpu.system) / events.length, (wall * 1000) / events.length]);
  }
  for (const [key, v] of results) {
    const cpu = v.filter((_, i) => i % 2 === 0).sort((a, b) => a - b); const wall = v.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
    console.log(key.padEnd(28), 'CPU µs/event best', cpu[0].toFixed(1), 'median', cpu[cpu.length >> 1].toFixed(1), '| wall µs/event best', wall[0].toFixed(1), 'median', wall[wall.length >> 1].toFixed(1));
  }
}
void main();
