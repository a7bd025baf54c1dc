// GZIP level vs size and encode CPU on generated events (zlib's default level is 6; the lake writes level 1):
//   TS_NODE_PROJECT=bench/profile/tsconfig.json node --max-semi-space-size=32 -r ts-node/register -r tsconfig-paths/register bench/profile/gzip-levels.ts
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet } from '@pipeline/storage';

async function main() {
  const events: ShopEvent[] = new ClickstreamSimulation({}).take(100_000).flatMap((m) => {
    const decoded = decodeEvent(m.value);
    return decoded.ok ? [decoded.event] : [];
  });
  for (let round = 0; round < 2; round++) {
    for (const level of [1, 2, 3, 4, 6, 9]) {
      const before = process.cpuUsage();
      let bytes = 0;
      for (let s = 0; s < events.length; s += 20_000) bytes += (await encodeEventsParquet(events.slice(s, s + 20_000), { compression: 'GZIP', gzipLevel: level })).length;
      const cpu = process.cpuUsage(before);
      console.log(round, `level ${level}`, ((cpu.user + cpu.system) / events.length).toFixed(1), 'µs CPU/event', (bytes / events.length).toFixed(1), 'B/event');
    }
  }
}
void main();
