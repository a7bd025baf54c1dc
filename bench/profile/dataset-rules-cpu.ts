// CPU µs per event of the gate's dataset-rule step, A/B in one process.
// Run: npx ts-node -P bench/profile/tsconfig.json -r tsconfig-paths/register bench/profile/dataset-rules-cpu.ts [events] [rounds] [baseline]
// `baseline`: another tree's libs/quality/src/index.ts; its code runs on the same events, first or second in alternate
// rounds, so the machine's noise hits both alike.
//
// Two stages per variant, over micro-batches of BATCH decoded events (2% injected faults, some of them duplicates):
//   dataset: runDatasetRules(defaultDatasetRules, datasetFromEvents(batch, { event_time }), { nowMs, seenIds }) as the
//            gate calls it, with seenIds an exact per-hour id index (EventIdSet, as DurableEventIdIndex) holding every
//            earlier batch of the run. Not timed, before it: the record rules over the batch, as in the gate (they
//            leave the events in cache), each event's time read right after them (a memo hit, as in the gate; a
//            tree whose datasetFromEvents takes no ready columns ignores it); after it: the batch's ids recorded.
//   gate:    MessageQualityGate.check + commit on the raw messages (decode and record rules included): the whole
//            step the processor runs, with its DurableEventIdIndex (over an empty local directory: the same
//            refresh and commit work per event, no files to read); noisier, shows what survives in context.
// Results of both variants are compared (kept/rejected/report) so a speed-up cannot change an answer unnoticed.
import { decodeEvent, eventTimeMillis, type ShopEvent } from '@pipeline/events';
import * as quality from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { DurableEventIdIndex, EventIdSet, LocalFileSystemBackend } from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before each timed stage: the heap the other variant (or the decoding) left behind is not
// collected on this one's clock; the young collections a stage's own garbage causes still count.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const total = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 8);
const baselinePath = process.argv[4];
const BATCH = 2_000;
const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 10, 27, 10);

/** Exact ids per event-time hour, as the processor's DurableEventIdIndex holds them (without storage). */
class LakeIds {
  private readonly hours = new Map<number, EventIdSet>();
  async refresh(): Promise<void> {
    // Everything is in memory.
  }
  has(eventId: string, eventTimeMs: number): boolean {
    return this.hours.get(Math.floor(eventTimeMs / HOUR_MS) * HOUR_MS)?.has(eventId) ?? false;
  }
  recordCommitted(events: readonly ShopEvent[]): void {
    for (const event of events) {
      const start = Math.floor(eventTimeMillis(event.event_time) / HOUR_MS) * HOUR_MS;
      let ids = this.hours.get(start);
      if (!ids) this.hours.set(start, (ids = new EventIdSet(1 << 16)));
      ids.add(event.event_id);
    }
  }
}

// No Kafka timestamp: the gate's now (the newest event + 1 s) is every message's reference time, so the time rules
// refuse only the injected faults.
const messages = new ClickstreamSimulation({ startTime: START, badRatio: 0.02 }).take(total).map((m, i) => ({
  value: m.value,
  ref: `bench/0@${i}`,
}));
const batches: Array<typeof messages> = [];
for (let at = 0; at < messages.length; at += BATCH) batches.push(messages.slice(at, at + BATCH));

const variants: Array<{ name: string; lib: typeof quality }> = [{ name: 'this tree', lib: quality }];
if (baselinePath) variants.push({ name: 'baseline', lib: require(baselinePath) as typeof quality });
const ruleSets = variants.map((v) => v.lib.defaultRuleSet());
const compiledRecordRules = variants.map((v, i) => v.lib.compileRecordRules(ruleSets[i].record));
type Stage = 'dataset' | 'gate';
const STAGES: readonly Stage[] = ['dataset', 'gate'];
const spent = variants.map(() => ({ dataset: [] as number[], gate: [] as number[] }));
const keptByVariant = variants.map(() => 0);

async function main(): Promise<void> {
  let datasetEvents = 0;
  let mismatches = 0;
  for (let round = 0; round < rounds; round++) {
    // Decoded afresh each round (not timed): the gate sees new objects in every batch.
    const decodedBatches = batches.map((batch) => {
      const events: ShopEvent[] = [];
      for (const message of batch) {
        const result = decodeEvent(message.value);
        if (result.ok) events.push(result.event);
      }
      return events;
    });
    // The simulated clock at the end of the stream: the median time of its last events (a fault may be far off).
    const lastTimes = decodedBatches.flat().slice(-101).map((e) => Date.parse(e.event_time)).sort((a, b) => a - b);
    const nowMs = lastTimes[50] + 60_000;
    datasetEvents = decodedBatches.reduce((n, b) => n + b.length, 0);
    const answers = variants.map(() => ({ dataset: [] as unknown[], gate: [] as unknown[] }));
    const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
    for (const v of order) {
      const lib = variants[v].lib;
      collectGarbage();
      {
        const seenIds = new LakeIds();
        let cpu = 0;
        for (const events of decodedBatches) {
          const times: number[] = [];
          for (const event of events) {
            lib.evaluateRecord(compiledRecordRules[v], event, { nowMs }, true);
            times.push(eventTimeMillis(event.event_time));
          }
          const started = process.cpuUsage();
          const run = lib.runDatasetRules(ruleSets[v].dataset, lib.datasetFromEvents(events, { event_time: times }), { nowMs, seenIds });
          const used = process.cpuUsage(started);
          cpu += used.user + used.system;
          answers[v].dataset.push({ results: run.results, blockingRows: run.blockingRows, kinds: [...run.blockingKinds] });
          seenIds.recordCommitted(events.filter((_, row) => !run.blockingKinds.has(row)));
        }
        if (round >= 2) spent[v].dataset.push(cpu / datasetEvents);
      }
      collectGarbage();
      {
        const lake = mkdtempSync(join(tmpdir(), 'dataset-rules-cpu-'));
        const storedIds = new DurableEventIdIndex(new LocalFileSystemBackend(lake));
        const gate = new lib.MessageQualityGate(ruleSets[v], { now: () => nowMs, storedIds });
        let cpu = 0;
        for (const batch of batches) {
          const started = process.cpuUsage();
          const result = await gate.check(batch);
          gate.commit(result.kept);
          const used = process.cpuUsage(started);
          cpu += used.user + used.system;
          if (round === 0) keptByVariant[v] += result.kept.length;
          answers[v].gate.push({ kept: result.kept.map((e) => e.event_id), rejected: result.rejected, report: result.report });
        }
        rmSync(lake, { recursive: true, force: true });
        if (round >= 2) spent[v].gate.push(cpu / messages.length);
      }
    }
    for (let v = 1; v < variants.length; v++) {
      for (const stage of STAGES) if (!isDeepStrictEqual(answers[v][stage], answers[0][stage])) mismatches++;
    }
  }
  for (const stage of STAGES) {
    variants.forEach((variant, v) => {
      const timed = [...spent[v][stage]].sort((a, b) => a - b);
      const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
      console.log(
        `${variant.name.padEnd(10)} ${stage.padEnd(7)}: median ${timed[Math.floor(timed.length / 2)].toFixed(3)} µs/event, mean ${mean.toFixed(3)}, min ${timed[0].toFixed(3)} (${stage === 'gate' ? `${messages.length} messages, ${keptByVariant[v]} kept` : `${datasetEvents} events`} x ${timed.length} rounds)`,
      );
    });
  }
  if (variants.length > 1) {
    // Paired by round: both variants ran back to back, so the round's share of the machine's noise cancels.
    for (const stage of STAGES) {
      const differences = spent[0][stage].map((mine, round) => mine - spent[1][stage][round]).sort((a, b) => a - b);
      console.log(`this tree - baseline, ${stage}: median ${differences[Math.floor(differences.length / 2)].toFixed(3)} µs/event per round (${differences.map((d) => d.toFixed(2)).join(' ')})`);
    }
  }
  if (variants.length > 1) console.log(mismatches === 0 ? 'results identical in every round' : `RESULTS DIFFER in ${mismatches} stage-rounds`);
}

void main();
