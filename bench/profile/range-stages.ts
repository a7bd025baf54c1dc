// Times the stages of the reporter's exact range answer on a lake (default: the range bench's tmp/bench-ranges),
// for the lake's first 24 hours, while a new file lands in the newest hour before each request (the live case):
//   listing of the 24 hour folders -> digests (DuckDB reads only the new file) -> totals of the range -> quality
// reports; and, for comparison, what merging the newest hour into a copy of the union of the others costs.
// Run: TS_NODE_PROJECT=bench/profile/tsconfig.json node -r ts-node/register -r tsconfig-paths/register bench/profile/range-stages.ts [dataDir] [requests]
import { copyFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readQualityReports } from '@pipeline/ingest';
import { LocalFileSystemBackend } from '@pipeline/storage';
import { DuckDbWindowReader, EventLake, ExactRangeEngine, exactSummary, localPathSource, mergeDigests, totalsOf } from '@pipeline/reporting';

const HOUR_MS = 3_600_000;

function hourFolder(dataDir: string, hourStartMs: number): string {
  const d = new Date(hourStartMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return join(dataDir, 'events', `year=${d.getUTCFullYear()}`, `month=${pad(d.getUTCMonth() + 1)}`, `day=${pad(d.getUTCDate())}`, `hour=${pad(d.getUTCHours())}`);
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? 'tmp/bench-ranges';
  const requests = Number(process.argv[3] ?? 20);
  const backend = new LocalFileSystemBackend(dataDir);
  const lake = new EventLake(backend, localPathSource(backend));
  const engine = new ExactRangeEngine(lake, new DuckDbWindowReader());
  const [first] = await lake.hoursWithEvents();
  const range = { fromMs: first.startMs, toMs: first.startMs + 24 * HOUR_MS };
  const newest = range.toMs - HOUR_MS;
  const folder = hourFolder(dataDir, newest);
  const time = async <T>(work: () => T | Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, performance.now() - started];
  };
  const [cold, coldMs] = await time(() => engine.rangeDigests(range));
  console.log(`cold: ${Math.round(coldMs)} ms, ${cold.total.events} events, ${cold.total.sessions} sessions`);
  // The former way kept this union of the 23 other hours and merged the newest hour into a copy of it.
  const others = mergeDigests(cold.hours.slice(0, -1).map((h) => h.digest));
  const rows: Record<string, number>[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      const smallest = readdirSync(folder)
        .filter((f) => f.endsWith('.parquet') && !f.startsWith('profile-added+'))
        .map((f) => ({ f, size: statSync(join(folder, f)).size }))
        .sort((a, b) => a.size - b.size)[0].f;
      copyFileSync(join(folder, smallest), join(folder, '.profile-added.tmp'));
      renameSync(join(folder, '.profile-added.tmp'), join(folder, `profile-added+0+${String(i).padStart(20, '0')}.parquet`));
      const cpuBefore = process.cpuUsage();
      const [listing, listMs] = await time(() => engine.listFor([range]));
      const [digests, digestsMs] = await time(() => engine.rangeDigests(range, listing));
      const [, qualityMs] = await time(() => readQualityReports(backend, range.fromMs, range.toMs));
      const [, figuresMs] = await time(() => exactSummary(digests, []));
      const cpu = process.cpuUsage(cpuBefore);
      const [copied, copyMs] = await time(() => mergeDigests([others, digests.hours[digests.hours.length - 1].digest]));
      if (totalsOf(copied).sessions !== digests.total.sessions) throw new Error('totals differ from the merged copy');
      rows.push({ listMs, digestsMs, qualityMs, figuresMs, cpuMs: (cpu.user + cpu.system) / 1000, formerCopyMs: copyMs, rssMb: process.memoryUsage().rss / 2 ** 20 });
    }
  } finally {
    for (const f of readdirSync(folder)) if (f.startsWith('profile-added+')) rmSync(join(folder, f));
  }
  const median = (key: string) => {
    const sorted = rows.map((r) => r[key]).sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
  };
  console.log(Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(k)])));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
