// CPU time of reading every stored column (EVENT_COLUMNS' read) of 8,000 parsed events, the Parquet writer's inner
// loop, in the generator's mix of kinds:
//   TS_NODE_PROJECT=bench/profile/tsconfig.json TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register -r tsconfig-paths/register bench/profile/column-reads.ts
import { EVENT_COLUMNS, EVENT_KINDS } from '@pipeline/events';

// Through JSON text, as the processor gets them: JSON.parse decides which strings are internalized.
const MIX = [0, 0, 0, 0, 1, 1, 2, 3, 4];
const events = Array.from({ length: 8000 }, (_, i) => JSON.parse(JSON.stringify(EVENT_KINDS[MIX[i % MIX.length]].sample())));
for (let round = 0; round < 6; round++) {
  const started = process.hrtime.bigint();
  let filled = 0;
  for (let pass = 0; pass < 20; pass++) {
    for (const column of EVENT_COLUMNS) {
      const read = column.read;
      for (let i = 0; i < events.length; i++) if (read(events[i]) !== null) filled++;
    }
  }
  const nsPerEvent = Number(process.hrtime.bigint() - started) / 20 / events.length;
  console.log(`round ${round + 1}: ${nsPerEvent.toFixed(0)} ns per event for ${EVENT_COLUMNS.length} columns (${filled / 20 / events.length} filled per event)`);
}
