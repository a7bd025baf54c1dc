// Times the processor's per-chunk work without Kafka, stage by stage, on generated events:
//   gate (decode + contract + record + dataset rules) -> Parquet encode -> sink.writeBatch (files + fsync).
// Run: npx ts-node -P bench/profile/tsconfig.json -r tsconfig-paths/register bench/profile/ingest-stages.ts [events] [chunk]
// Add `node --cpu-prof` (see bench/README.md) to find the hot spots inside a stage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { defaultRuleSet, MessageQualityGate } from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { encodeEventsParquet, LocalFileSystemBackend, PartitionedEventSink } from '@pipeline/storage';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const chunkSize = Number(process.argv[3] ?? 20_000);
  const messages = new ClickstreamSimulation({}).take(total).map((m, i) => ({ value: m.value, ref: `t/0@${i}` }));
  const dir = mkdtempSync(join(tmpdir(), 'ingest-stages-'));
  const sink = new PartitionedEventSink(new LocalFileSystemBackend(dir));
  const gate = new MessageQualityGate(defaultRuleSet());
  const ms = { decode: 0, gate: 0, encode: 0, write: 0 };
  const time = async <T>(stage: keyof typeof ms, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    ms[stage] += performance.now() - started;
    return result;
  };
  for (let start = 0; start < total; start += chunkSize) {
    const chunk = messages.slice(start, start + chunkSize);
    await time('decode', () => chunk.forEach((m) => decodeEvent(m.value)));
    const checked = await time('gate', () => gate.check(chunk));
    const kept: ShopEvent[] = checked.kept;
    await time('encode', () => encodeEventsParquet(kept));
    await time('write', () => sink.writeBatch({ topic: 't', partition: 0, firstOffset: String(start), lastOffset: String(start + chunk.length - 1), events: kept }));
    await sink.completeBatch('t', 0);
    gate.commit(kept);
  }
  rmSync(dir, { recursive: true, force: true });
  for (const [stage, spent] of Object.entries(ms)) {
    console.log(`${stage.padEnd(7)} ${spent.toFixed(0).padStart(7)} ms  ${Math.round(total / (spent / 1000)).toLocaleString('en-US').padStart(9)} ev/s`);
  }
  console.log('(gate includes decode; write includes encode, partials and fsync)');
}

void main();
