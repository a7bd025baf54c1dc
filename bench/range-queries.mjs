#!/usr/bin/env node
// node bench/range-queries.mjs [--count 2400000] [--requests 200] : latency of the reporter's exact range queries
// (GET /api/summary over 24 hours) on a lake backfilled with --count events spread over those 24 hours.
// A benchmark, not a test: it prints and writes figures, it asserts nothing. See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOUR_MS = 3_600_000;

const USAGE = `Usage: node bench/range-queries.mjs [options]
  --count N        events to backfill (default 2400000), spread over 24 hours
  --requests N     timed requests per scenario (default 200)
  --port P         reporter port (default 37802)
  --data-dir DIR   lake to use (default tmp/bench-ranges); with --reuse an existing one is queried as it is
  --reuse          skip the backfill when DIR already holds events
  --out DIR        where the result goes (default bench/results)
  --label TEXT     appended to the result's file name (e.g. before, after)
  --reporter-bundle FILE  run this reporter build (e.g. a copy of an older dist/apps/reporter/main.js) instead
                   of building the current sources`;

function parseArgs(argv) {
  const args = { count: 2_400_000, requests: 200, port: 37_802, dataDir: 'tmp/bench-ranges', reuse: false, out: 'bench/results', label: '', reporterBundle: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    if (flag === '--count') args.count = Number(next());
    else if (flag === '--requests') args.requests = Number(next());
    else if (flag === '--port') args.port = Number(next());
    else if (flag === '--data-dir') args.dataDir = next();
    else if (flag === '--reuse') args.reuse = true;
    else if (flag === '--label') args.label = next();
    else if (flag === '--reporter-bundle') args.reporterBundle = next();
    else if (flag === '--out') args.out = next();
    else if (flag === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return args;
}

const log = (text) => process.stderr.write(`[bench:ranges] ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round1 = (n) => Math.round(n * 10) / 10;

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** generate --dry-run | backfill, the way the README describes loading NDJSON without Kafka. */
async function backfill(dataDir, count, startIso) {
  // 420 concurrent visits at the simulation's pacing make about 100,000 events per simulated hour: 2.4M in ~24 h.
  const sessions = String(Math.max(1, Math.round((420 * count) / 2_400_000)));
  run('node', ['tools/cli.mjs', 'generator', '--help'], {}); // builds the generator bundle when stale
  run('node', ['tools/cli.mjs', 'backfill', '--help'], {}); // builds the processor bundle when stale
  const started = Date.now();
  // The documented shell pipe: generate --dry-run writes NDJSON, the backfill reads it from stdin.
  const generate = ['node', 'dist/apps/generator/cli.js', '--count', String(count), '--rate', 'max', '--dry-run', '--start-time', startIso, '--sessions', sessions, '--users', '50000', '--seed', '7'];
  const load = ['node', 'dist/apps/processor/backfill.js', '--input', '/dev/stdin', '--data-dir', dataDir, '--source', 'bench'];
  const quote = (parts) => parts.map((p) => `'${p.replace(/'/g, "'\\''")}'`).join(' ');
  run('bash', ['-o', 'pipefail', '-c', `${quote(generate)} | ${quote(load)}`]);
  log(`backfilled ${count} events in ${round1((Date.now() - started) / 1000)} s`);
}

async function waitForHealth(baseUrl, reporter) {
  for (let i = 0; i < 600; i++) {
    if (reporter.exitCode !== null) throw new Error(`reporter exited with ${reporter.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('reporter did not become healthy in 60 s');
}

async function timedGet(url) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.json();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** CPU time (user + system) the process used so far, in ms: a figure the machine's other load does not inflate. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident set size of the process now and its peak so far (VmRSS, VmHWM of /proc/<pid>/status), in MB. */
function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: round1(kb('VmRSS') / 1024), peak: round1(kb('VmHWM') / 1024) };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: round1(percentile(sorted, 50)), p95: round1(percentile(sorted, 95)), p99: round1(percentile(sorted, 99)), max: round1(sorted[sorted.length - 1]) };
}

/** Start of the first hour folder of the lake's raw events. */
function firstHourMs(dataDir) {
  const first = readdirSync(join(dataDir, 'events'), { recursive: true })
    .map(String)
    .filter((p) => /hour=\d\d$/.test(p))
    .sort()[0];
  const [, y, m, d, h] = /year=(\d+)\/month=(\d+)\/day=(\d+)\/hour=(\d+)/.exec(first);
  return Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h));
}

function hourFolder(dataDir, hourStartMs) {
  const d = new Date(hourStartMs);
  const pad = (n) => String(n).padStart(2, '0');
  return join(dataDir, 'events', `year=${d.getUTCFullYear()}`, `month=${pad(d.getUTCMonth() + 1)}`, `day=${pad(d.getUTCDate())}`, `hour=${pad(d.getUTCHours())}`);
}

/** Copies the hour's smallest raw file under a new name (a flush's worth of events; their ids repeat, which timing does not mind). */
function addFileToHour(dataDir, hourStartMs, n) {
  const folder = hourFolder(dataDir, hourStartMs);
  const files = readdirSync(folder).filter((f) => f.endsWith('.parquet') && !f.startsWith('bench-added+'));
  const smallest = files.map((f) => ({ f, size: statSync(join(folder, f)).size })).sort((a, b) => a.size - b.size)[0].f;
  copyFileSync(join(folder, smallest), join(folder, `.bench-added.tmp`));
  renameSync(join(folder, `.bench-added.tmp`), join(folder, `bench-added+0+${String(n).padStart(20, '0')}.parquet`));
}

function removeAddedFiles(dataDir, hourStartMs) {
  const folder = hourFolder(dataDir, hourStartMs);
  for (const f of readdirSync(folder)) if (f.startsWith('bench-added+')) rmSync(join(folder, f));
}

/** Rewrites one raw file of an hour in place (same bytes, new inode): the hour's digest must be computed again. */
function touchHour(dataDir, hourStartMs) {
  const folder = hourFolder(dataDir, hourStartMs);
  const file = readdirSync(folder).filter((f) => f.endsWith('.parquet')).sort()[0];
  copyFileSync(join(folder, file), join(folder, `.${file}.bench.tmp`));
  renameSync(join(folder, `.${file}.bench.tmp`), join(folder, file));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = join(ROOT, args.dataDir);
  const startMs = Math.floor((Date.now() - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const hasData = existsSync(join(dataDir, 'events'));
  if (!(args.reuse && hasData)) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    await backfill(dataDir, args.count, new Date(startMs).toISOString());
  }
  const hours = readdirSync(join(dataDir, 'events'), { recursive: true }).filter((p) => String(p).endsWith('.parquet'));
  log(`lake: ${hours.length} raw files`);

  if (!args.reporterBundle) run('npx', ['nx', 'build', 'reporter', '--outputStyle=static'], { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' });
  const baseUrl = `http://127.0.0.1:${args.port}`;
  const reporter = spawn('node', [args.reporterBundle || 'dist/apps/reporter/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATA_DIR: dataDir, REPORTER_PORT: String(args.port), PROCESSOR_METRICS_URL: '', KAFKA_BROKERS: '127.0.0.1:1' },
  });
  const results = {};
  try {
    await waitForHealth(baseUrl, reporter);
    // The lake's own 24 hours: from its first stored hour.
    const from = new Date(firstHourMs(dataDir)).toISOString();
    const to = new Date(firstHourMs(dataDir) + 24 * HOUR_MS).toISOString();
    const url = `${baseUrl}/api/summary?from=${from}&to=${to}`;
    let coldCpu = cpuMs(reporter.pid);
    const cold = await timedGet(url);
    coldCpu = cpuMs(reporter.pid) - coldCpu;
    results.range = { from, to, events: cold.body.events, sessions: cold.body.sessions, hours: cold.body.hours };
    results.cold = round1(cold.ms);
    results.coldCpu = round1(coldCpu);
    results.rssAfterCold = rssMb(reporter.pid);
    log(`cold: ${results.cold} ms for ${cold.body.events} events in [${from}, ${to})`);

    const warm = [];
    let cpuBefore = cpuMs(reporter.pid);
    for (let i = 0; i < args.requests; i++) warm.push((await timedGet(url)).ms);
    results.warm = { ...stats(warm), cpuMsPerRequest: round1((cpuMs(reporter.pid) - cpuBefore) / args.requests) };
    results.warm.rss = rssMb(reporter.pid);
    log(`warm (no file changed): ${JSON.stringify(results.warm)}`);

    // Live: a new file lands in the newest hour before every request, as the processor's flushes add them.
    const lastHour = Date.parse(to) - HOUR_MS;
    const live = [];
    cpuBefore = cpuMs(reporter.pid);
    for (let i = 0; i < Math.min(args.requests, 100); i++) {
      addFileToHour(dataDir, lastHour, i);
      live.push((await timedGet(url)).ms);
    }
    results.liveHourChanged = { ...stats(live), cpuMsPerRequest: round1((cpuMs(reporter.pid) - cpuBefore) / live.length) };
    results.liveHourChanged.rss = rssMb(reporter.pid);
    log(`a file added to the newest hour before each request: ${JSON.stringify(results.liveHourChanged)}`);
    removeAddedFiles(dataDir, lastHour);

    // Worst case: a file of the newest hour rewritten (as a crash recovery does): the whole hour is read again.
    const rewritten = [];
    cpuBefore = cpuMs(reporter.pid);
    for (let i = 0; i < Math.min(args.requests, 10); i++) {
      touchHour(dataDir, lastHour);
      rewritten.push((await timedGet(url)).ms);
    }
    results.hourRewritten = { ...stats(rewritten), cpuMsPerRequest: round1((cpuMs(reporter.pid) - cpuBefore) / rewritten.length) };
    results.hourRewritten.rss = rssMb(reporter.pid);
    log(`a file of the newest hour rewritten before each request: ${JSON.stringify(results.hourRewritten)}`);

    // Mid-hour bounds: the first and last hours are partial windows (their own digests).
    const midUrl = `${baseUrl}/api/summary?from=${new Date(Date.parse(from) + 30 * 60_000 + 123).toISOString()}&to=${new Date(Date.parse(to) - 17 * 60_000).toISOString()}`;
    const midCold = await timedGet(midUrl);
    const mid = [];
    for (let i = 0; i < Math.min(args.requests, 100); i++) mid.push((await timedGet(midUrl)).ms);
    results.midHourCold = round1(midCold.ms);
    results.midHourWarm = stats(mid);
    log(`mid-hour bounds: cold ${results.midHourCold} ms, warm ${JSON.stringify(results.midHourWarm)}`);
    results.midHourWarm.rss = rssMb(reporter.pid);
    results.load = loadavg().map(round1);
    results.cpus = `${cpus().length} × ${cpus()[0]?.model ?? '?'}`;
  } finally {
    reporter.kill('SIGTERM');
    await new Promise((resolve) => reporter.on('exit', resolve));
  }
  const mb = (r) => `${r.rss} / ${r.peak}`;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  mkdirSync(join(ROOT, args.out), { recursive: true });
  const md = [
    `# Range query benchmark ${stamp}`,
    '',
    `${args.count} events backfilled over 24 hours; GET /api/summary for [${results.range.from}, ${results.range.to}) (${results.range.events} events, ${results.range.sessions} distinct sessions, ${results.range.hours} hours), sequential requests.`,
    `Machine: ${results.cpus}; load average at the end ${results.load.join(' / ')}.`,
    '',
    'Wall-clock latency of each request, the reporter CPU time (user + system, all threads) it cost on average, and',
    "the reporter's resident memory (VmRSS) after the scenario and its peak so far (VmHWM).",
    '',
    '| scenario | p50 ms | p95 ms | p99 ms | max ms | reporter CPU ms per request | requests | RSS MB after / peak |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| first request (every hour read by DuckDB) | ${results.cold} | | | | ${results.coldCpu} | 1 | ${mb(results.rssAfterCold)} |`,
    `| no file changed (digests from memory) | ${results.warm.p50} | ${results.warm.p95} | ${results.warm.p99} | ${results.warm.max} | ${results.warm.cpuMsPerRequest} | ${results.warm.n} | ${mb(results.warm.rss)} |`,
    `| a new file in the newest hour before each request (live) | ${results.liveHourChanged.p50} | ${results.liveHourChanged.p95} | ${results.liveHourChanged.p99} | ${results.liveHourChanged.max} | ${results.liveHourChanged.cpuMsPerRequest} | ${results.liveHourChanged.n} | ${mb(results.liveHourChanged.rss)} |`,
    `| a file of the newest hour rewritten before each request (recovery) | ${results.hourRewritten.p50} | ${results.hourRewritten.p95} | ${results.hourRewritten.p99} | ${results.hourRewritten.max} | ${results.hourRewritten.cpuMsPerRequest} | ${results.hourRewritten.n} | ${mb(results.hourRewritten.rss)} |`,
    `| mid-hour bounds, first request | ${results.midHourCold} | | | | | 1 | |`,
    `| mid-hour bounds, again | ${results.midHourWarm.p50} | ${results.midHourWarm.p95} | ${results.midHourWarm.p99} | ${results.midHourWarm.max} | | ${results.midHourWarm.n} | ${mb(results.midHourWarm.rss)} |`,
    '',
  ].join('\n');
  const file = join(ROOT, args.out, `${stamp}-ranges${args.label ? `-${args.label}` : ''}.md`);
  writeFileSync(file, md);
  console.log(md);
  log(`written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
