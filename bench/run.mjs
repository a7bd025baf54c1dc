#!/usr/bin/env node
// npm run bench [-- --count N] : the pipeline's throughput, latency and memory, with Kafka's ProducerPerformance
// as the yardstick, measured on the real built apps (see bench/README.md for the method).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureNdjson, ProcessorGroup, runGenerator, sleep } from './lib/apps.mjs';
import { BenchKafka } from './lib/kafka.mjs';
import { GroupMonitor, ProcessMonitor, readMachineCpu, round } from './lib/proc-monitor.mjs';
import { consoleTable, markdown, resultRows, workerRows } from './lib/report.mjs';
import { bytesByDataset, bytesByDatasetS3, eventLatencies, percentiles } from './lib/storage-readback.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = ['throughput', 'latency', 'baseline', 'ab', 'workers'];
const DEFAULT_SCENARIOS = ['throughput', 'workers', 'latency', 'baseline'];
// The workers scenario drains a topic of its own once per setting: at 1M events that would add 4-5 minutes to a
// full run on 2 quiet cores, at 200k about 1.2 (1.5-2.5 measured at load average 10-14).
const WORKERS_DEFAULT_COUNT = 200_000;
const WORKERS_DEFAULT_ENV = [{ key: 'UV_THREADPOOL_SIZE', values: ['1', '2', '4'] }];

const USAGE = `Usage: npm run bench -- [options]
  --count N              events of the throughput scenario and the baseline (default 1000000)
  --latency-rate R       events/s of the latency scenario (default 1000)
  --latency-seconds S    length of the latency scenario (default 60)
  --scenarios a,b        any of ${SCENARIOS.join(',')} (default ${DEFAULT_SCENARIOS.join(',')})
                         ab: one pre-filled topic drained in turn by each --variant (fresh group each), --rounds times
                         workers: one pre-filled topic drained in turn at each --workers-env setting
                         baseline: Kafka's ProducerPerformance (same count and record size) and ConsumerPerformance
                         (on the topic the processor drained), our rates as ratios of theirs
  --processor-bundle P   processor bundle to run (default dist/apps/processor/main.js)
  --generator-bundle P   generator CLI bundle to run (default dist/apps/generator/cli.js)
  --instances N          processor instances in one consumer group (default 1): how the processor scales out
  --partitions P         partitions of each benchmark topic (default 3)
  --processor-env K=V,.. extra processor settings, e.g. BATCH_MAX_EVENTS=10000,BATCH_MAX_MS=200
  --variant NAME=BUNDLE[@K=V,..]  a processor build and settings for the ab scenario (repeat it), e.g.
                         --variant base=tmp/base/main.js --variant gzip=dist/apps/processor/main.js@PARQUET_COMPRESSION=GZIP
  --rounds R             ab / workers: drain with every variant / setting R times, alternating (default 2 / 1)
  --workers-env K=V1,V2  workers: a processor setting and its values, one drain per value (default
                         ${WORKERS_DEFAULT_ENV.map((e) => `${e.key}=${e.values.join(',')}`).join(' ')}); repeated for several
                         variables, every combination is drained
  --workers-count N      workers: events in its topic (default the smaller of --count and ${WORKERS_DEFAULT_COUNT.toLocaleString('en-US')})
  --workers-instances N,M  workers: also drain with each of these numbers of processor instances in one group
                         (default --instances); combined with every --workers-env setting
  --label TEXT           added to the result file names, e.g. "before"
  --out DIR              where results go (default bench/results)
  --keep-data            keep the stored files under tmp/bench/<run>
  --storage file|s3      where the processor writes (default file: tmp/bench/<run>); s3: below STORAGE_URL (s3://…)
                         on S3_ENDPOINT, e.g. the local server: npm run s3 -- start; eval "$(npm run -s s3 -- env)"
Environment: KAFKA_BROKERS uses that cluster instead of starting tools/kafka on BENCH_KAFKA_PORT (default 29092).
\`npm run bench\` builds the bundles first (tools/bench.sh); \`node bench/run.mjs\` alone runs what dist/ holds.`;

function parseArgs(argv) {
  const args = {
    count: 1_000_000,
    latencyRate: 1_000,
    latencySeconds: 60,
    scenarios: DEFAULT_SCENARIOS,
    variants: [],
    rounds: null,
    workersEnv: [],
    workersCount: null,
    workersInstances: null,
    processorBundle: 'dist/apps/processor/main.js',
    generatorBundle: 'dist/apps/generator/cli.js',
    label: '',
    processorEnv: {},
    instances: 1,
    partitions: 3,
    out: 'bench/results',
    keepData: false,
    storage: 'file',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${flag}: expected a positive integer`);
      return v;
    };
    switch (flag) {
      case '--count': args.count = int(); break;
      case '--latency-rate': args.latencyRate = int(); break;
      case '--latency-seconds': args.latencySeconds = int(); break;
      case '--scenarios': {
        args.scenarios = value().split(',');
        const unknown = args.scenarios.filter((s) => !SCENARIOS.includes(s));
        if (unknown.length) throw new Error(`unknown scenario ${unknown.join(',')}`);
        break;
      }
      case '--processor-bundle': args.processorBundle = value(); break;
      case '--variant': {
        const spec = value();
        const match = /^([\w.-]+)=([^@]+)(?:@(.*))?$/.exec(spec);
        if (!match) throw new Error(`--variant: expected NAME=BUNDLE[@K=V,..], got "${spec}"`);
        const env = {};
        for (const pair of match[3] ? match[3].split(',') : []) {
          const at = pair.indexOf('=');
          if (at < 1) throw new Error(`--variant ${match[1]}: expected KEY=VALUE, got "${pair}"`);
          env[pair.slice(0, at)] = pair.slice(at + 1);
        }
        args.variants.push({ name: match[1], bundle: match[2], env });
        break;
      }
      case '--rounds': args.rounds = int(); break;
      case '--workers-env': {
        const spec = value();
        const at = spec.indexOf('=');
        const values = spec.slice(at + 1).split(',');
        if (at < 1 || values.some((v) => v === '')) throw new Error(`--workers-env: expected KEY=VALUE[,VALUE..], got "${spec}"`);
        args.workersEnv.push({ key: spec.slice(0, at), values });
        break;
      }
      case '--workers-count': args.workersCount = int(); break;
      case '--workers-instances': {
        const spec = value();
        args.workersInstances = spec.split(',').map(Number);
        if (args.workersInstances.some((v) => !Number.isSafeInteger(v) || v < 1)) throw new Error(`--workers-instances: expected positive integers, got "${spec}"`);
        break;
      }
      case '--instances': args.instances = int(); break;
      case '--partitions': args.partitions = int(); break;
      case '--generator-bundle': args.generatorBundle = value(); break;
      case '--label': args.label = value(); break;
      case '--processor-env':
        for (const pair of value().split(',')) {
          const at = pair.indexOf('=');
          if (at < 1) throw new Error(`--processor-env: expected KEY=VALUE, got "${pair}"`);
          args.processorEnv[pair.slice(0, at)] = pair.slice(at + 1);
        }
        break;
      case '--out': args.out = value(); break;
      case '--keep-data': args.keepData = true; break;
      case '--storage':
        args.storage = value();
        if (!['file', 's3'].includes(args.storage)) throw new Error('--storage: expected file or s3');
        if (args.storage === 's3' && !/^s3:\/\//.test(process.env.STORAGE_URL ?? '')) {
          throw new Error('--storage s3 needs STORAGE_URL=s3://… (and S3_ENDPOINT, keys): eval "$(npm run -s s3 -- env)"');
        }
        break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  if (args.workersEnv.length === 0) args.workersEnv = WORKERS_DEFAULT_ENV;
  args.workersCount ??= Math.min(args.count, WORKERS_DEFAULT_COUNT);
  args.workersInstances ??= [args.instances];
  return args;
}

/** Every combination of the --workers-env values and --workers-instances, as named variants of the current bundle. */
function workerVariants(args) {
  let settings = [{}];
  for (const { key, values } of args.workersEnv) settings = settings.flatMap((env) => values.map((v) => ({ ...env, [key]: v })));
  const several = args.workersInstances.length > 1 || args.workersInstances[0] !== 1;
  return args.workersInstances.flatMap((instances) =>
    settings.map((env) => ({
      name: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(several ? [`${instances} instance${instances > 1 ? 's' : ''}`] : [])].join(' '),
      bundle: args.processorBundle,
      env,
      instances,
    })),
  );
}

const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const n = (v) => Math.round(v).toLocaleString('en-US');

/** Prints a progress line every 2 s while `task` runs. */
async function withProgress(describe, task) {
  const timer = setInterval(() => void describe().then(log, () => undefined), 2_000);
  try {
    return await task;
  } finally {
    clearInterval(timer);
  }
}

class Bench {
  constructor(args) {
    this.args = args;
    this.runId = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    this.workDir = join(ROOT, 'tmp', 'bench', this.runId);
    this.kafka = new BenchKafka(ROOT, { brokers: process.env.KAFKA_BROKERS, port: Number(process.env.BENCH_KAFKA_PORT ?? 29092) });
    this.topics = [];
    // Below Linux's ephemeral range (32768-60999): a port there can be held by any outgoing connection (the apps'
    // own to the broker), and a processor then failed to listen (EADDRINUSE) in the middle of a run.
    this.nextPort = 23_100 + Math.floor(Math.random() * 500);
  }

  async topic(name) {
    const topic = `bench-${this.runId}-${name}`;
    await this.kafka.createTopics([topic, `${topic}.dlq`], this.args.partitions);
    this.topics.push(topic, `${topic}.dlq`);
    return topic;
  }

  /** The lake of one scenario: a folder, or with --storage s3 a prefix of its own below STORAGE_URL. */
  lakeOf(name) {
    mkdirSync(this.workDir, { recursive: true }); // the processors' logs
    if (this.args.storage === 's3') return { storageUrl: `${process.env.STORAGE_URL.replace(/\/+$/, '')}/bench-${this.runId}/${name}` };
    const dataDir = join(this.workDir, name);
    mkdirSync(dataDir, { recursive: true });
    return { dataDir };
  }

  startProcessor(topic, name, variant = { bundle: this.args.processorBundle, env: {} }) {
    const instances = variant.instances ?? this.args.instances;
    const lake = this.lakeOf(name);
    const dataDir = lake.dataDir ?? lake.storageUrl;
    const processor = new ProcessorGroup(ROOT, {
      instances,
      bundle: variant.bundle,
      brokers: this.kafka.brokers,
      topic,
      dlqTopic: `${topic}.dlq`,
      group: `bench-${this.runId}-${name}`,
      dataDir,
      port: this.nextPort,
      // Kept beside the data (tmp/bench/<run>/), and kept when the data is deleted.
      logPrefix: join(this.workDir, `processor-${name}`),
      env: { TOPIC_PARTITIONS: String(this.args.partitions), ...(lake.storageUrl ? { STORAGE_URL: lake.storageUrl } : {}), ...this.args.processorEnv, ...variant.env },
    });
    this.nextPort += instances;
    return { processor, dataDir };
  }

  /** Polls /metrics until every one of `expected` messages is stored or dead-lettered; returns when that was. */
  async waitProcessed(processor, expected, progress) {
    let previous = null;
    for (;;) {
      const m = await processor.metrics().catch(() => null);
      if (m) progress.last = m;
      if (m && m.stored + m.deadLettered >= expected) return { at: Date.now(), ...m };
      if (processor.exited()) throw new Error(`processor exited:\n${processor.output().slice(-3000)}`);
      // Each /metrics answer costs the processor a few ms of CPU (prom-client renders every series): a poll every
      // 100 ms was ~3 % of its CPU in a drain. Poll at half the predicted time to the end (50 ms..1 s), so the
      // end is still seen within ~50 ms.
      const now = Date.now();
      const done = m ? m.stored + m.deadLettered : null;
      let wait = 100;
      if (done !== null && previous) {
        const perMs = (done - previous.done) / (now - previous.at);
        wait = perMs > 0 ? Math.min(1000, Math.max(50, (expected - done) / perMs / 2)) : 250;
      }
      if (done !== null) previous = { at: now, done };
      await sleep(wait);
    }
  }

  async generatorAlone(count = this.args.count, name = 'gen') {
    const topic = await this.topic(name);
    log(`generator alone: ${n(count)} events at max rate into ${topic}`);
    const broker = this.brokerMonitor();
    const started = Date.now();
    const generator = runGenerator(ROOT, { bundle: this.args.generatorBundle, brokers: this.kafka.brokers, topic, count, rate: 'max' });
    let inTopic = 0;
    const monitor = new ProcessMonitor(generator.pid, { progress: () => inTopic / count });
    const poll = setInterval(() => void this.kafka.messageCount(topic).then((c) => (inTopic = c), () => undefined), 500);
    const { usage } = await withProgress(
      async () => `  generator: ${n(inTopic)}/${n(count)} in Kafka, ${n(inTopic / ((Date.now() - started) / 1000))} ev/s`,
      generator.done,
    );
    const elapsedMs = Date.now() - started;
    clearInterval(poll);
    const stats = monitor.stop();
    inTopic = await this.kafka.messageCount(topic);
    if (inTopic !== count) throw new Error(`expected ${count} messages in ${topic}, found ${inTopic}`);
    const result = {
      topic,
      elapsedMs,
      eventsPerSec: round(count / (elapsedMs / 1000)),
      process: { ...stats, peakRssMb: round((usage?.maxRssKb ?? 0) / 1024, 1), cpuSeconds: round(usage?.cpuSeconds ?? stats.cpuSeconds, 2) },
      broker: broker?.stop() ?? null,
    };
    result.cpuSecondsPerMillion = round((result.process.cpuSeconds / count) * 1e6, 1);
    log(`generator alone: ${n(result.eventsPerSec)} ev/s (${(elapsedMs / 1000).toFixed(1)} s incl. start-up), peak RSS ${result.process.peakRssMb} MB`);
    return result;
  }

  async processorDrain(topic, ndjson, variant = undefined, name = 'drain', count = this.args.count) {
    log(`processor alone${variant ? ` (${variant.name})` : ''}: draining ${n(count)} events from ${topic}`);
    const broker = this.brokerMonitor();
    const spawnedAt = Date.now();
    const { processor, dataDir } = this.startProcessor(topic, name, variant);
    const progress = { last: null };
    const monitor = new GroupMonitor(processor.pids, { progress: () => (progress.last ? progress.last.consumed / count : null) });
    const s3Server = this.s3ServerMonitor();
    // From the first instance ready: with several, it consumes while the others join.
    const readyAt = await processor.ready();
    // Start-up (module loading, JIT warm-up, joining the group) is a fixed cost that a 200k-event A/B would
    // spread over few events: the drain's own CPU is counted from the moment the processor answers.
    const cpuAtReady = monitor.cpuNow();
    const machineAtReady = readMachineCpu();
    const done = await withProgress(
      async () => this.describeProcessor('drain', progress.last, count, readyAt, monitor),
      this.waitProcessed(processor, count, progress),
    );
    const stats = monitor.stop();
    const machineAtDone = readMachineCpu();
    const stopped = await processor.stop();
    const drainMs = done.at - readyAt;
    const drainSeconds = drainMs / 1000;
    const result = {
      startupMs: readyAt - spawnedAt,
      drainMs,
      eventsPerSec: round(count / (drainMs / 1000)),
      stored: done.stored,
      deadLettered: done.deadLettered,
      finalRollupMs: stopped.shutdownMs,
      process: stats,
      broker: broker?.stop() ?? null,
      cpuSecondsPerMillion: round((stats.cpuSeconds / count) * 1e6, 1),
      cpuSecondsPerMillionAfterStartup: round(((stats.cpuSeconds - cpuAtReady.cpuSeconds) / count) * 1e6, 1),
      // Cores in use from ready to done: the processor (all its threads), its JavaScript thread alone, and the
      // whole machine (anything running, other work included). What limits the drain is read from these.
      cores: {
        processor: round((stats.cpuSeconds - cpuAtReady.cpuSeconds) / drainSeconds, 2),
        mainThread: round((stats.mainThreadCpuSeconds - cpuAtReady.mainThreadCpuSeconds) / drainSeconds, 2),
        machineBusy: round((machineAtDone.busySeconds - machineAtReady.busySeconds) / ((machineAtDone.totalSeconds - machineAtReady.totalSeconds) / cpus().length), 2),
        machine: cpus().length,
        instances: processor.pids.length,
      },
      s3Server: s3Server ? { ...s3Server.stop(), cpuSecondsPerMillion: null } : null,
      storage: await this.storageFigures(dataDir, done.stored, ndjson),
    };
    if (result.s3Server) result.s3Server.cpuSecondsPerMillion = round((result.s3Server.cpuSecondsDelta / count) * 1e6, 1);
    log(`processor alone: ${n(result.eventsPerSec)} ev/s (start-up ${result.startupMs} ms excluded), ${result.cores.processor} cores (main thread ${result.cores.mainThread}, machine ${result.cores.machineBusy} of ${result.cores.machine} busy), peak RSS ${stats.peakRssMb} MB, final rollup ${stopped.shutdownMs} ms`);
    this.cleanData(dataDir);
    return result;
  }

  /**
   * Every variant drains the same pre-filled topic of `count` events (a fresh group each), alternating, `rounds`
   * times: the ab scenario (builds) and the workers scenario (settings of one build).
   */
  async drainsInTurn(scenario, { variants, rounds, count }, ndjson) {
    const { topic } = await this.generatorAlone(count, scenario);
    const drains = [];
    for (let round = 1; round <= rounds; round++) {
      for (const variant of variants) {
        const name = `${scenario}-${variant.name.replace(/[^\w.-]+/g, '_')}-${round}`;
        const drain = await this.processorDrain(topic, ndjson, variant, name, count);
        drains.push({ variant: variant.name, round, bundle: variant.bundle, env: variant.env, instances: variant.instances, ...drain });
      }
    }
    return { topic, count, drains };
  }

  async endToEnd(ndjson) {
    const { count } = this.args;
    const topic = await this.topic('e2e');
    const { processor, dataDir } = this.startProcessor(topic, 'e2e');
    await processor.ready();
    log(`end to end: generator (max rate) -> Kafka -> processor, ${n(count)} events`);
    const broker = this.brokerMonitor();
    const progress = { last: null };
    const procMonitor = new GroupMonitor(processor.pids, { progress: () => (progress.last ? progress.last.consumed / count : null) });
    const started = Date.now();
    const generator = runGenerator(ROOT, { bundle: this.args.generatorBundle, brokers: this.kafka.brokers, topic, count, rate: 'max' });
    const genMonitor = new ProcessMonitor(generator.pid);
    const [done, gen] = await withProgress(
      async () => this.describeProcessor('e2e', progress.last, count, started, procMonitor),
      Promise.all([this.waitProcessed(processor, count, progress), generator.done]),
    );
    const procStats = procMonitor.stop();
    const genStats = genMonitor.stop();
    const stopped = await processor.stop();
    const elapsedMs = done.at - started;
    const processes = {
      generator: { ...genStats, peakRssMb: round((gen.usage?.maxRssKb ?? 0) / 1024, 1), cpuSeconds: round(gen.usage?.cpuSeconds ?? genStats.cpuSeconds, 2) },
      processor: procStats,
      broker: broker?.stop() ?? null,
    };
    const perMillion = (cpu) => (cpu === undefined ? null : round((cpu / count) * 1e6, 1));
    const result = {
      elapsedMs,
      eventsPerSec: round(count / (elapsedMs / 1000)),
      stored: done.stored,
      deadLettered: done.deadLettered,
      finalRollupMs: stopped.shutdownMs,
      processes,
      cpuSecondsPerMillion: {
        generator: perMillion(processes.generator.cpuSeconds),
        processor: perMillion(processes.processor.cpuSeconds),
        broker: perMillion(processes.broker?.cpuSecondsDelta),
      },
      storage: await this.storageFigures(dataDir, done.stored, ndjson),
    };
    log(`end to end: ${n(result.eventsPerSec)} ev/s, peak RSS generator ${processes.generator.peakRssMb} MB, processor ${procStats.peakRssMb} MB`);
    this.cleanData(dataDir);
    return result;
  }

  async latency() {
    const { latencyRate: rate, latencySeconds: seconds } = this.args;
    const topic = await this.topic('latency');
    const { processor, dataDir } = this.startProcessor(topic, 'latency');
    await processor.ready();
    log(`latency: ${n(rate)} ev/s for ${seconds} s`);
    const progress = { last: null };
    const monitor = new GroupMonitor(processor.pids);
    const started = Date.now();
    const generator = runGenerator(ROOT, { bundle: this.args.generatorBundle, brokers: this.kafka.brokers, topic, rate, durationS: seconds });
    await withProgress(async () => {
      // Nothing else polls the processor while the generator runs: read its counters for the progress line.
      progress.last = (await processor.metrics().catch(() => null)) ?? progress.last;
      return this.describeProcessor('latency', progress.last, rate * seconds, started, monitor);
    }, generator.done);
    const produced = await this.kafka.messageCount(topic);
    const done = await this.waitProcessed(processor, produced, progress);
    const stats = monitor.stop();
    await processor.stop();
    const { files, latencies } = await eventLatencies(dataDir);
    const result = { rate, seconds, produced, stored: done.stored, files, percentilesMs: percentiles(latencies), processor: stats };
    const p = result.percentilesMs;
    log(`latency: p50 ${n(p?.p50 ?? NaN)} ms, p95 ${n(p?.p95 ?? NaN)} ms, p99 ${n(p?.p99 ?? NaN)} ms, max ${n(p?.max ?? NaN)} ms over ${files} files`);
    this.cleanData(dataDir);
    return result;
  }

  async baseline(ndjson) {
    const { count } = this.args;
    const topic = await this.topic('producer-perf');
    log(`baseline: Kafka ProducerPerformance, ${n(count)} records of ${ndjson.meanValueBytes} B, acks=all`);
    const broker = this.brokerMonitor();
    const result = await this.kafka.producerPerformance({ topic, records: count, recordSize: ndjson.meanValueBytes, onLine: (l) => log(`  ${l}`) });
    return { topic, ...result, recordSize: ndjson.meanValueBytes, broker: broker?.stop() ?? null };
  }

  /** ConsumerPerformance over a whole topic (our events, keys and headers as the processor read them). */
  async consumerBaseline(topic) {
    const records = await this.kafka.messageCount(topic);
    log(`baseline: Kafka ConsumerPerformance, ${n(records)} records of ${topic}`);
    const broker = this.brokerMonitor();
    const result = await this.kafka.consumerPerformance({ topic, records, group: `bench-${this.runId}-consumer-perf`, onLine: (l) => log(`  ${l}`) });
    log(`baseline: ConsumerPerformance ${n(result.fetchRecordsPerSec)} records/s once it had its partitions (${n(result.recordsPerSec)} with its group join of ${n(result.rebalanceMs)} ms)`);
    return { topic, ...result, broker: broker?.stop() ?? null };
  }

  async describeProcessor(name, m, expected, since, monitor) {
    const done = m ? m.stored + m.deadLettered : 0;
    const seconds = (Date.now() - since) / 1000;
    const rss = monitor.samples.at(-1)?.rssKb ?? 0;
    return `  ${name}: ${n(done)}/${n(expected)} processed (${((done / expected) * 100).toFixed(0)} %), ${n(done / seconds)} ev/s, processor RSS ${n(rss / 1024)} MB`;
  }

  brokerMonitor() {
    const pid = this.kafka.pid();
    return pid ? new ProcessMonitor(pid, { intervalMs: 1_000 }) : null;
  }

  /** With --storage s3 and the project's local server (tools/s3/s3.sh): its CPU, which shares the cores. */
  s3ServerMonitor() {
    if (this.args.storage !== 's3') return null;
    const port = new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000').port || '80';
    const pidFile = join(ROOT, '.s3', `versitygw-${port}.pid`);
    if (!existsSync(pidFile)) return null;
    return new ProcessMonitor(Number(readFileSync(pidFile, 'utf8').trim()), { intervalMs: 1_000 });
  }

  async storageFigures(lake, stored, ndjson) {
    const bytes = lake.startsWith('s3://') ? await bytesByDatasetS3(lake) : bytesByDataset(lake);
    const all = Object.values(bytes).reduce((a, b) => a + b, 0);
    return {
      bytesByDataset: bytes,
      parquetBytesPerEvent: round((bytes.events ?? 0) / stored, 1),
      allStoredBytesPerEvent: round(all / stored, 1),
      ndjsonBytesPerEvent: round(ndjson.bytes / ndjson.lines, 1),
    };
  }

  cleanData(dataDir) {
    // An S3 prefix is left in the bucket (the local server's data folder is the bucket: tools/s3/s3.sh).
    if (!this.args.keepData && !dataDir.startsWith('s3://')) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.scenarios.includes('ab') && args.variants.length === 0) {
    console.error(`the ab scenario needs at least one --variant\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.storage === 's3' && args.scenarios.includes('latency')) {
    console.error('--storage s3: the latency scenario reads file times of a local lake; use --scenarios throughput');
    process.exit(2);
  }
  for (const bundle of [args.processorBundle, args.generatorBundle, ...args.variants.map((v) => v.bundle)]) {
    if (!existsSync(join(ROOT, bundle))) {
      console.error(`${bundle} is missing. Build first: NX_DAEMON=false npx nx run-many -t build -p generator processor`);
      process.exit(1);
    }
  }
  const bench = new Bench(args);
  const startedAt = new Date().toISOString();
  const results = {
    startedAt,
    label: args.label,
    config: { ...args, brokers: bench.kafka.brokers, ...(args.storage === 's3' ? { storageUrl: process.env.STORAGE_URL, s3Endpoint: process.env.S3_ENDPOINT ?? null } : {}) },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadavg() },
  };
  let failed = null;
  try {
    await bench.kafka.start();
    log(`broker ${bench.kafka.brokers}${bench.kafka.startedHere ? ' (started for this run)' : ''}`);
    log(`measuring the NDJSON of ${n(args.count)} events (generator --dry-run, same seed)`);
    const ndjson = await measureNdjson(ROOT, { bundle: args.generatorBundle, count: args.count });
    results.ndjson = ndjson;
    if (args.scenarios.includes('throughput')) {
      const generatorAlone = await bench.generatorAlone();
      const processorDrain = await bench.processorDrain(generatorAlone.topic, ndjson);
      const endToEnd = await bench.endToEnd(ndjson);
      results.throughput = { generatorAlone, processorDrain, endToEnd, storage: endToEnd.storage };
    }
    if (args.scenarios.includes('ab')) results.ab = await bench.drainsInTurn('ab', { variants: args.variants, rounds: args.rounds ?? 2, count: args.count }, ndjson);
    if (args.scenarios.includes('workers')) {
      results.workers = await bench.drainsInTurn('workers', { variants: workerVariants(args), rounds: args.rounds ?? 1, count: args.workersCount }, ndjson);
    }
    if (args.scenarios.includes('latency')) results.latency = await bench.latency();
    if (args.scenarios.includes('baseline')) {
      const baseline = await bench.baseline(ndjson);
      const e2e = results.throughput?.endToEnd.eventsPerSec;
      const gen = results.throughput?.generatorAlone.eventsPerSec;
      // The topic the processor drained (the throughput scenario's, else the workers' or ab's), so both read the
      // same records; without a drain, the topic ProducerPerformance just wrote.
      const drained = results.throughput?.generatorAlone.topic ?? results.workers?.topic ?? results.ab?.topic ?? null;
      const consumer = await bench.consumerBaseline(drained ?? baseline.topic);
      const drain = results.throughput?.processorDrain.eventsPerSec;
      results.baseline = {
        ...baseline,
        endToEndRatio: e2e ? round(e2e / baseline.recordsPerSec, 3) : null,
        generatorRatio: gen ? round(gen / baseline.recordsPerSec, 3) : null,
        consumer: { ...consumer, ofDrainedTopic: drained !== null },
        // Against its rate once it had its partitions: the processor's drain is timed from its /metrics answering,
        // which is after its consumer started joining the group.
        drainRatio: drain ? round(drain / consumer.fetchRecordsPerSec, 3) : null,
      };
    }
  } catch (error) {
    failed = error;
    results.error = String(error?.stack ?? error);
  } finally {
    await bench.kafka.deleteTopics(bench.topics);
    await bench.kafka.stop();
    // The processors' logs stay (small, and what explains a slow or failed run); the data goes unless --keep-data.
    if (!args.keepData && existsSync(bench.workDir)) {
      for (const entry of readdirSync(bench.workDir)) {
        if (!entry.endsWith('.log')) rmSync(join(bench.workDir, entry), { recursive: true, force: true });
      }
    }
  }

  // Other work on the machine shares the cores: the load average says how much the figures may be off.
  results.machine.loadAverageAtEnd = loadavg();
  const rows = resultRows(results);
  if (rows.length) console.log(`\n${consoleTable([['measure', 'result', 'target', ''], ...rows])}\n`);
  if (results.workers) console.log(`${consoleTable(workerRows(results))}\n`);
  const outDir = join(ROOT, args.out);
  mkdirSync(outDir, { recursive: true });
  const stem = join(outDir, `${bench.runId}${args.label ? `-${args.label}` : ''}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${stem}.md`, markdown(results, rows));
  log(`results: ${stem}.json, ${stem}.md`);
  if (failed) {
    console.error(failed);
    process.exit(1);
  }
}

main().then(() => process.exit(0));
