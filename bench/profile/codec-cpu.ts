// Encode CPU and size per codec, on generated events in flush-sized chunks (3 rounds; the first warms up):
//   TS_NODE_PROJECT=bench/profile/tsconfig.json node --max-semi-space-size=32 -r ts-node/register -r tsconfig-paths/register bench/profile/codec-cpu.ts [SNAPPY|GZIP|UNCOMPRESSED]
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet } from '@pipeline/storage';
async function main() {
  const events: ShopEvent[] = new ClickstreamSimulation({}).take(100_000).flatMap((m) => { const d = decodeEvent(m.value); return d.ok ? [d.event] : []; });
  for (let round = 0; round < 3; round++) for (const compression of (process.argv[2] ? [process.argv[2]] : ['SNAPPY', 'GZIP', 'UNCOMPRESSED']) as ('SNAPPY' | 'GZIP' | 'UNCOMPRESSED')[]) {
    const before = process.cpuUsage(); let bytes = 0;
    for (let s = 0; s < events.length; s += 20_000) bytes += (await encodeEventsParquet(events.slice(s, s + 20_000), { compression })).length;
    const cpu = process.cpuUsage(before);
    console.log(round, compression.padEnd(12), ((cpu.user + cpu.system) / events.length).toFixed(1), 'µs CPU/event', (bytes / events.length).toFixed(1), 'B/event');
  }
}
void main();
