// CPU of the processor's whole per-chunk path without Kafka, as one process sees it: the gate (decode, contract,
// rules, the durable id index), the sink (Parquet, partials, id files, markers, fsync on a local backend), the
// commit. Prints CPU µs per event of the process (all threads, libuv's gzip included) after a warm-up. Runs in
// whichever tree it sits in, so two trees (e.g. a `git worktree` of the base) alternate as separate processes:
//   TS_NODE_PROJECT=bench/profile/tsconfig.json TS_NODE_TRANSPILE_ONLY=1 node --max-semi-space-size=32 \
//     -r ts-node/register -r tsconfig-paths/register bench/profile/ingest-cpu.ts [events] [chunk]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRuleSet, MessageQualityGate } from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { DurableEventIdIndex, LocalFileSystemBackend, PartitionedEventSink } from '@pipeline/storage';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000);
  const chunkSize = Number(process.argv[3] ?? 8_000);
  const warmUp = Math.min(40_000, total);
  const messages = new ClickstreamSimulation({ seed: 11, startTime: Date.parse('2026-11-27T10:00:00.000Z') })
    .take(warmUp + total)
    .map((m) => ({ value: m.value }));
  const dir = mkdtempSync(join(tmpdir(), 'ingest-cpu-'));
  const backend = new LocalFileSystemBackend(dir);
  const sink = new PartitionedEventSink(backend);
  const gate = new MessageQualityGate(defaultRuleSet(), { storedIds: new DurableEventIdIndex(backend) });
  let cpuBefore = process.cpuUsage();
  let wallBefore = performance.now();
  for (let start = 0; start < messages.length; start += chunkSize) {
    if (start === warmUp) {
      cpuBefore = process.cpuUsage();
      wallBefore = performance.now();
    }
    const chunk = messages.slice(start, start + chunkSize);
    const checked = await gate.check(chunk);
    const firstOffset = String(start);
    const lastOffset = String(start + chunk.length - 1);
    const written = await sink.writeBatch({ topic: 't', partition: 0, firstOffset, lastOffset, events: checked.kept });
    await sink.completeBatch('t', 0);
    // Builds before WrittenBatch.idFiles took the list of keys.
    const committed = 'idFiles' in written ? written : (written as { files: string[] }).files;
    gate.commit(checked.kept, committed as never);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${total.toLocaleString('en-US')} events in chunks of ${chunkSize.toLocaleString('en-US')}: ` +
      `${((cpu.user + cpu.system) / total).toFixed(2)} CPU µs per event (user ${(cpu.user / total).toFixed(2)}), ` +
      `${((wallMs * 1000) / total).toFixed(2)} wall µs per event`,
  );
}

void main();
