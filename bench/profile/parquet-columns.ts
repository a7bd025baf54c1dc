// Bytes per event of each column in the processor's event files, on generated events in flush-sized chunks:
//   TS_NODE_PROJECT=bench/profile/tsconfig.json node -r ts-node/register -r tsconfig-paths/register bench/profile/parquet-columns.ts [events] [chunk]
import { ParquetReader } from '@dsnp/parquetjs';
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet } from '@pipeline/storage';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const chunkSize = Number(process.argv[3] ?? 20_000);
  const events: ShopEvent[] = new ClickstreamSimulation({}).take(total).flatMap((m) => { const decoded = decodeEvent(m.value); return decoded.ok ? [decoded.event] : []; });
  const perColumn = new Map<string, number>();
  let fileBytes = 0;
  let encodeMs = 0;
  for (let start = 0; start < total; start += chunkSize) {
    const started = performance.now();
    const bytes = await encodeEventsParquet(events.slice(start, start + chunkSize), { compression: (process.argv[4] ?? 'SNAPPY') as 'SNAPPY' });
    encodeMs += performance.now() - started;
    fileBytes += bytes.length;
    const reader = await ParquetReader.openBuffer(bytes);
    for (const group of reader.metadata?.row_groups ?? []) {
      for (const chunk of group.columns) {
        const name = chunk.meta_data?.path_in_schema.join('.') ?? '?';
        perColumn.set(name, (perColumn.get(name) ?? 0) + Number(chunk.meta_data?.total_compressed_size));
      }
    }
    await reader.close();
  }
  for (const [name, bytes] of perColumn) console.log(`${name.padEnd(16)} ${(bytes / total).toFixed(2).padStart(7)} B/event`);
  console.log(`${'file'.padEnd(16)} ${(fileBytes / total).toFixed(2).padStart(7)} B/event  (encode ${(encodeMs / total * 1000).toFixed(1)} µs/event)`);
}

void main();
