// The broker side of the benchmark: the local broker (tools/kafka/kafka.sh), fresh topics, offsets, and
// Kafka's own ProducerPerformance and ConsumerPerformance as the baseline.
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
   * Returns its final summary line's figures. Kafka 4.4 options (--producer-props is deprecated there).
   */
  async producerPerformance({ topic, records, recordSize, onLine }) {
    const lines = await this.tool('org.apache.kafka.tools.ProducerPerformance', [
      '--bootstrap-server', this.brokers, '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize),
      '--throughput', '-1', '--command-property', 'acks=all',
    ], onLine);
    const last = lines.map(parseProducerPerformance).filter(Boolean).at(-1);
    if (!last) throw new Error(`ProducerPerformance printed no summary line:\n${lines.join('\n').slice(-2000)}`);
    return last;
  }

  /**
   * ConsumerPerformance reading `records` messages of `topic` from the start, in a consumer group of its own
   * (Kafka 4.x options: --num-records replaced 3.x's --messages). Its default --timeout (10 s without a record)
   * would end a short topic early and count the wait as fetch time, so fewer records than asked is an error.
   */
  async consumerPerformance({ topic, records, group, onLine }) {
    const lines = await this.tool('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server', this.brokers, '--topic', topic, '--num-records', String(records), '--group', group,
    ], onLine);
    const result = parseConsumerPerformance(lines);
    if (!result) throw new Error(`ConsumerPerformance printed no summary:\n${lines.join('\n').slice(-2000)}`);
    if (result.records < records) throw new Error(`ConsumerPerformance read ${result.records} of ${records} records of ${topic}`);
    return result;
  }

  /** Runs a Kafka CLI class through tools/kafka/kafka.sh; resolves with its stdout lines if it exits 0. */
  tool(mainClass, args, onLine) {
    const script = join(this.root, 'tools/kafka/kafka.sh');
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [script, 'tool', mainClass, ...args], { cwd: this.root, env: { ...process.env, KAFKA_PORT: String(this.port) } });
      const lines = [];
      let stderr = '';
      let partial = '';
      child.stdout.setEncoding('utf8').on('data', (text) => {
        // Output arrives in chunks that can split a line: only whole lines are kept.
        const whole = (partial + text).split('\n');
        partial = whole.pop() ?? '';
        for (const line of whole.filter(Boolean)) {
          onLine?.(line);
          lines.push(line);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (partial) lines.push(partial);
        const name = mainClass.split('.').at(-1);
        if (code === 0) resolve(lines);
        else reject(new Error(`${name} exited ${code}: ${stderr.slice(-2000)}`));
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

/**
 * ConsumerPerformance's summary: a header line of comma-separated column names, then (after any WARNING lines)
 * one line of values. Read by column name, not position, so a column added or moved in another Kafka version
 * does not shift the figures. Kafka 4.4:
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
 *   fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 *   2026-12-02 04:59:09:695, 2026-12-02 04:59:14:374, 20.0748, 4.2904, 50000, 10686.0440, 3140, 1539, 13.0441, 32488.6290
 * MB are MiB of keys + values (headers not counted), as in ProducerPerformance. The overall rates include the
 * group join (rebalance.time.ms); the fetch.* rates count from the moment it had its partitions.
 * With --show-detailed-stats the header starts "time, threadId, ..." and there is no summary: null.
 */
export function parseConsumerPerformance(lines) {
  const split = (line) => line.split(',').map((field) => field.trim());
  const headerAt = lines.findIndex((line) => /^start\.time,/.test(line.trim()));
  if (headerAt < 0) return null;
  const header = split(lines[headerAt]);
  const values = lines.slice(headerAt + 1).map(split).find((fields) => fields.length === header.length && /^[\d.]+$/.test(fields[header.indexOf('data.consumed.in.nMsg')] ?? ''));
  if (!values) return null;
  const column = (name) => {
    const at = header.indexOf(name);
    const value = at < 0 ? NaN : Number(values[at]);
    if (!Number.isFinite(value)) throw new Error(`ConsumerPerformance: no number in column ${name} of "${values.join(', ')}"`);
    return value;
  };
  return {
    records: column('data.consumed.in.nMsg'),
    mb: column('data.consumed.in.MB'),
    recordsPerSec: column('nMsg.sec'),
    mbPerSec: column('MB.sec'),
    rebalanceMs: column('rebalance.time.ms'),
    fetchMs: column('fetch.time.ms'),
    fetchRecordsPerSec: column('fetch.nMsg.sec'),
    fetchMbPerSec: column('fetch.MB.sec'),
  };
}
