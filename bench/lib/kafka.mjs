// The broker side of the benchmark: the local broker (tools/kafka/kafka.sh), fresh topics, offsets, and
// Kafka's own ProducerPerformance as the baseline.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export class BenchKafka {
  constructor(root, { brokers, port }) {
    this.root = root;
    this.port = port;
    this.external = Boolean(brokers);
    this.brokers = brokers ?? `127.0.0.1:${port}`;
    this.startedHere = false;
    this.kafka = new Kafka({ clientId: 'bench', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  /** Starts the local broker unless KAFKA_BROKERS points elsewhere or it already runs; only a broker it started is stopped. */
  async start() {
    if (!this.external) {
      const status = this.script('status');
      if (status.status !== 0) {
        const started = this.script('start');
        if (started.status !== 0) throw new Error(`kafka.sh start failed:\n${started.stderr}`);
        this.startedHere = true;
      }
    }
    await this.admin.connect();
  }

  async stop() {
    await this.admin.disconnect().catch(() => undefined);
    if (this.startedHere) this.script('stop');
  }

  /** The broker's JVM pid, to measure its CPU (local broker only). */
  pid() {
    const file = join(this.root, '.kafka', `kafka-${this.port}.pid`);
    return !this.external && existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
  }

  async createTopics(names, numPartitions) {
    await this.admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })) });
  }

  async deleteTopics(names) {
    await this.admin.deleteTopics({ topics: names }).catch(() => undefined);
  }

  /** Messages in a topic: the sum of its partitions' high watermarks (fresh topics start at 0). */
  async messageCount(topic) {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  /**
   * ProducerPerformance with acks=all (what our producers use), the same record count and value size.
   * Returns its final summary line's figures.
   */
  producerPerformance({ topic, records, recordSize, onLine }) {
    const args = [
      join(this.root, 'tools/kafka/kafka.sh'), 'tool', 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${this.brokers}`, 'acks=all',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('bash', args, { cwd: this.root, env: { ...process.env, KAFKA_PORT: String(this.port) } });
      let last = null;
      let stderr = '';
      let partial = '';
      child.stdout.setEncoding('utf8').on('data', (text) => {
        // Output arrives in chunks that can split a line: only whole lines are parsed.
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          onLine?.(line);
          const parsed = parseProducerPerformance(line);
          if (parsed) last = parsed;
        }
      });
      child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (!last && partial) last = parseProducerPerformance(partial);
        if (code === 0 && last) resolve({ ...last, pid: child.pid });
        else reject(new Error(`ProducerPerformance exited ${code}: ${stderr.slice(-2000)}`));
      });
    });
  }

  script(command) {
    return spawnSync('bash', [join(this.root, 'tools/kafka/kafka.sh'), command], {
      cwd: this.root,
      env: { ...process.env, KAFKA_PORT: String(this.port) },
      encoding: 'utf8',
    });
  }
}

/** "1000000 records sent, 181818.2 records/sec (104.35 MB/sec), 152.7 ms avg latency, 412.0 ms max latency, ..." */
export function parseProducerPerformance(line) {
  const match = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency/.exec(line);
  if (!match || !line.includes('th')) return null; // the final line carries percentiles (50th, 95th, ...)
  const percentile = (p) => Number(new RegExp(`(\\d+) ms ${p}th`).exec(line)?.[1] ?? NaN);
  return {
    records: Number(match[1]),
    recordsPerSec: Number(match[2]),
    mbPerSec: Number(match[3]),
    avgLatencyMs: Number(match[4]),
    maxLatencyMs: Number(match[5]),
    p50Ms: percentile(50),
    p99Ms: percentile(99),
  };
}
