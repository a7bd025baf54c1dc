// CPU µs per event of the processor's steps that read event_time or run the record rules, without Kafka or storage:
// record rules, batch dataset rules, the id index's and the sink's hour lookups, the partials, the Parquet
// event_time column. Events are decoded afresh each round (not timed), as the processor sees them.
// Run: npx ts-node -P bench/profile/tsconfig.json -r tsconfig-paths/register bench/profile/event-time-reads.ts [events] [rounds]
// A/B against another tree: the same command with -P <other tree>/bench/profile/tsconfig.json (its libs are loaded).
import * as events from '@pipeline/events';
import { compileRecordRules, datasetFromEvents, defaultRuleSet, evaluateRecord, runDatasetRules } from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { computeHourlyPartials, PartitionPath } from '@pipeline/storage';

type ShopEvent = events.ShopEvent;
const BATCH = 500;
const HOUR_MS = 3_600_000;
// Trees without the memo read the text each time, as their id index and sink did.
const timeOf: (event: ShopEvent) => number =
  (events as { eventTimeMsOf?: (event: ShopEvent) => number }).eventTimeMsOf ?? ((event) => events.eventTimeMillis(event.event_time));
const eventTimeColumn = events.EVENT_COLUMNS.find((column) => column.name === 'event_time')?.read ?? ((): never => {
  throw new Error('no event_time column');
});

function main(): void {
  const total = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.argv[3] ?? 5);
  const values = new ClickstreamSimulation({}).take(total).map((m) => m.value);
  const ruleSet = defaultRuleSet();
  const compiled = compileRecordRules(ruleSet.record);
  const stages = { rules: 0, dataset: 0, idIndex: 0, sinkSplit: 0, partials: 0, parquetTime: 0 };
  let failures = 0;
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const decoded: ShopEvent[] = [];
    for (const value of values) {
      const result = events.decodeEvent(value);
      if (result.ok) decoded.push(result.event);
    }
    const nowMs = Math.max(...decoded.slice(0, 1000).map((e) => Date.parse(e.event_time))) + 1000;
    const time = (stage: keyof typeof stages, work: () => void) => {
      const started = process.cpuUsage();
      work();
      const spent = process.cpuUsage(started);
      if (round > 0) stages[stage] += spent.user + spent.system; // round 0 warms the JIT up
    };
    for (let start = 0; start < decoded.length; start += BATCH) {
      const batch = decoded.slice(start, start + BATCH);
      time('rules', () => {
        for (const event of batch) failures += evaluateRecord(compiled, event, { nowMs }).length;
      });
      time('dataset', () => {
        sink += runDatasetRules(ruleSet.dataset, datasetFromEvents(batch), { nowMs }).results.length;
      });
      time('idIndex', () => {
        // refresh, findStored and recordCommitted each look up every event's hour.
        for (let pass = 0; pass < 3; pass++) for (const event of batch) sink += Math.floor(timeOf(event) / HOUR_MS);
      });
      time('sinkSplit', () => {
        for (const event of batch) sink += PartitionPath.fromEventTime(timeOf(event)).startMs;
      });
      time('partials', () => {
        sink += computeHourlyPartials(batch).length;
      });
      time('parquetTime', () => {
        for (const event of batch) sink += eventTimeColumn(event) as number;
      });
    }
  }
  const counted = total * (rounds - 1);
  let sum = 0;
  for (const [stage, micros] of Object.entries(stages)) {
    sum += micros;
    console.log(`${stage.padEnd(12)} ${(micros / counted).toFixed(3).padStart(7)} µs/event`);
  }
  console.log(`event time memo in this tree: ${'eventTimeMsOf' in events}`);
  console.log(`${'total'.padEnd(12)} ${(sum / counted).toFixed(3).padStart(7)} µs/event  (${total} events x ${rounds - 1} timed rounds; failures ${failures}, ${sink > 0})`);
}

main();
