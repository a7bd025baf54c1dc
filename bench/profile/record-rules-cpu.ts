// CPU µs per event of the record rules (evaluateRecord with the default rule set) over generated, decoded events.
// Run: npx ts-node -P bench/profile/tsconfig.json -r tsconfig-paths/register bench/profile/record-rules-cpu.ts [events] [rounds] [baseline]
// With `baseline` (another tree's libs/quality/src/index.ts), its rules run in the same process on the same events,
// first or second in alternate rounds: an A/B that the machine's noise hits alike.
import { decodeEvent, type ShopEvent } from '@pipeline/events';
import * as quality from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';

const total = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 6);
const baselinePath = process.argv[4];
const values = new ClickstreamSimulation({}).take(total).map((m) => m.value);

const variants: Array<{ name: string; lib: typeof quality }> = [{ name: 'this tree', lib: quality }];
if (baselinePath) variants.push({ name: 'baseline', lib: require(baselinePath) as typeof quality });
const compiled = variants.map((v) => v.lib.compileRecordRules(v.lib.defaultRuleSet().record));
const spentByVariant = variants.map(() => [] as number[]);
const failures = variants.map(() => 0);
for (let round = 0; round < rounds; round++) {
  const decoded: ShopEvent[] = [];
  for (const value of values) {
    const result = decodeEvent(value);
    if (result.ok) decoded.push(result.event);
  }
  const context = { nowMs: Date.parse(decoded[decoded.length - 1].event_time) + 1000 };
  const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
  for (const v of order) {
    const started = process.cpuUsage();
    // Decoded events passed the contract: evaluated as the gate does (a tree without afterContract ignores the flag).
    for (const event of decoded) failures[v] += variants[v].lib.evaluateRecord(compiled[v], event, context, true).length;
    const spent = process.cpuUsage(started);
    if (round >= 2) spentByVariant[v].push((spent.user + spent.system) / decoded.length); // rounds 0-1 warm the JIT up
  }
}
variants.forEach((variant, v) => {
  const timed = [...spentByVariant[v]].sort((a, b) => a - b);
  const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
  console.log(
    `${variant.name.padEnd(10)} record rules: median ${timed[Math.floor(timed.length / 2)].toFixed(3)} µs/event, mean ${mean.toFixed(3)}, min ${timed[0].toFixed(3)} (${total} events x ${timed.length} rounds, ${failures[v]} failures)`,
  );
});
