import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet } from '@pipeline/storage';
async function main() {
  const events: ShopEvent[] = new ClickstreamSimulation({}).take(100_000).flatMap((m) => { const d = decodeEvent(m.value); return d.ok ? [d.event] : []; });
  const best = new Map<string, number>();
  for (let round = 0; round < 6; round++) for (const compression of ['UNCOMPRESSED', 'GZIP'] as const) for (const dictionary of [true, false]) {
    const before = process.cpuUsage(); let bytes = 0;
    for (let s = 0; s < events.length; s += 20_000) bytes += (await encodeEventsParquet(events.slice(s, s + 20_000), { dictionary, compression })).length;
    const cpu = process.cpuUsage(before);
    const key = `${compression} ${dictionary ? 'dict ' : 'plain'} ${(bytes / events.length).toFixed(1)} B/event`;
    best.set(key, Math.min(best.get(key) ?? Infinity, (cpu.user + cpu.system) / events.length));
  }
  for (const [k, v] of best) console.log(k, 'best', v.toFixed(1), 'µs CPU/event');
}
void main();
