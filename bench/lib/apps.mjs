// The real built apps as child processes: the processor bundle (HTTP /metrics tells how far it got) and the
// generator CLI bundle. Each runs under `node --require exit-usage.cjs` so its own CPU time and peak RSS are known.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXIT_USAGE_PROBE = fileURLToPath(new URL('./exit-usage.cjs', import.meta.url));

/**
 * `env.BENCH_NODE_ARGS` (space-separated; else the bench's own BENCH_NODE_ARGS, for every app it starts) goes on
 * node's command line, not into the environment: V8 flags that NODE_OPTIONS refuses (e.g. `--single-threaded-gc`)
 * can be compared as ab variants or whole runs that way.
 */
function spawnNode(script, args, env, logFile) {
  const usageDir = mkdtempSync(join(tmpdir(), 'bench-usage-'));
  const usageFile = join(usageDir, 'usage.json');
  const { BENCH_NODE_ARGS: nodeArgs = process.env.BENCH_NODE_ARGS ?? '', ...childEnv } = env;
  const child = spawn(process.execPath, [...nodeArgs.split(' ').filter(Boolean), '--require', EXIT_USAGE_PROBE, script, ...args], {
    env: { ...process.env, ...childEnv, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (logFile) {
    const log = createWriteStream(logFile);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('exit', () => log.end());
  }
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    output: () => output.join(''),
    usage: () => {
      const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : null;
      rmSync(usageDir, { recursive: true, force: true });
      return usage;
    },
    logFile,
  };
}

/** The processor app on its own topics, group and data folder. */
export class ProcessorProcess {
  constructor(root, { bundle, brokers, topic, dlqTopic, group, dataDir, port, env = {}, logFile }) {
    this.port = port;
    this.proc = spawnNode(join(root, bundle), [], {
      KAFKA_BROKERS: brokers,
      EVENTS_TOPIC: topic,
      DLQ_TOPIC: dlqTopic,
      CONSUMER_GROUP: group,
      DATA_DIR: dataDir,
      PROCESSOR_PORT: String(port),
      // As the app is run (tools/run-pipeline.sh, docker/): a V8 heap cap keeps RSS flat under 512 MB, a larger
      // young generation cuts GC work.
      NODE_OPTIONS: '--max-old-space-size=384 --max-semi-space-size=32',
      // And on its command line, as tools/run-pipeline.sh and docker/processor.Dockerfile start it.
      BENCH_NODE_ARGS: '--heap-growing-percent=100',
      ...env,
    }, logFile);
    this.pid = this.proc.child.pid;
  }

  /** Resolves once /metrics answers (the consumer was started before the HTTP listener). */
  async ready(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.child.exitCode !== null) throw new Error(`processor exited early:\n${this.proc.output().slice(-3000)}`);
      if (await this.metrics().catch(() => null)) return;
      await sleep(100);
    }
    throw new Error('processor did not start in time');
  }

  /** stored, deadLettered and consumed counters from the Prometheus text. */
  async metrics() {
    const response = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    if (!response.ok) throw new Error(`/metrics ${response.status}`);
    const text = await response.text();
    return {
      stored: sumMetric(text, 'processor_events_stored_total'),
      deadLettered: sumMetric(text, 'processor_events_dead_lettered_total'),
      consumed: sumMetric(text, 'processor_events_consumed_total'),
    };
  }

  /** SIGTERM: the app's shutdown hooks run the last metrics rollup. Resolves with how long that took. */
  async stop() {
    const started = Date.now();
    this.proc.child.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.child.kill('SIGKILL'), 60_000);
    const exit = await this.proc.exited;
    clearTimeout(timer);
    return { shutdownMs: Date.now() - started, exit, usage: this.proc.usage() };
  }

  output() {
    return this.proc.output();
  }
}

/** One run of the generator CLI (`node dist/apps/generator/cli.js --count N --rate R`). */
export function runGenerator(root, { bundle, brokers, topic, count, rate, durationS, batchSize }) {
  const args = ['--rate', String(rate)];
  if (count) args.push('--count', String(count));
  if (durationS) args.push('--duration', `${durationS}s`);
  const env = { KAFKA_BROKERS: brokers, EVENTS_TOPIC: topic, TOPIC_PARTITIONS: '3' };
  if (batchSize) env.GENERATOR_BATCH_SIZE = String(batchSize);
  const proc = spawnNode(join(root, bundle), args, env);
  return {
    pid: proc.child.pid,
    done: proc.exited.then((exit) => {
      if (exit.code !== 0) throw new Error(`generator exited ${exit.code ?? exit.signal}:\n${proc.output().slice(-3000)}`);
      return { usage: proc.usage(), output: proc.output() };
    }),
  };
}

/**
 * The generator's NDJSON (--dry-run) for the same seed and count, measured but not kept: its size is the
 * "as JSON" size of the data, and its mean line length the record size for ProducerPerformance.
 */
export function measureNdjson(root, { bundle, count }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, bundle), '--dry-run', '--rate', 'max', '--count', String(count)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`generator --dry-run exited ${code}`));
      // A line is the Kafka value plus its newline.
      else resolve({ bytes, lines, meanValueBytes: Math.round(bytes / lines - 1) });
    });
  });
}

function sumMetric(text, name) {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === '{' || line[name.length] === ' ')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * N processor instances in one consumer group on one data folder: how the processor scales out (Kafka spreads
 * the partitions over the group). With one instance it is just that instance.
 */
export class ProcessorGroup {
  constructor(root, { instances, port, ...options }) {
    this.members = Array.from(
      { length: instances },
      (_, i) => new ProcessorProcess(root, { ...options, port: port + i, logFile: options.logPrefix ? `${options.logPrefix}-${i}.log` : undefined }),
    );
    this.pids = this.members.map((m) => m.pid);
  }

  /**
   * Resolves once every instance answers, with the time the first one did: it may already be consuming while the
   * others start (and the group rebalances), so a drain is timed from then.
   */
  async ready(timeoutMs) {
    const readyAt = await Promise.all(this.members.map((m) => m.ready(timeoutMs).then(() => Date.now())));
    return Math.min(...readyAt);
  }

  /** The group's counters: the sum over its instances. */
  async metrics() {
    const each = await Promise.all(this.members.map((m) => m.metrics()));
    return {
      stored: each.reduce((s, m) => s + m.stored, 0),
      deadLettered: each.reduce((s, m) => s + m.deadLettered, 0),
      consumed: each.reduce((s, m) => s + m.consumed, 0),
    };
  }

  exited() {
    return this.members.some((m) => m.proc.child.exitCode !== null);
  }

  async stop() {
    const stopped = await Promise.all(this.members.map((m) => m.stop()));
    return { shutdownMs: Math.max(...stopped.map((s) => s.shutdownMs)), instances: stopped };
  }

  output() {
    return this.members.map((m, i) => `--- instance ${i}\n${m.output()}`).join('\n');
  }
}
