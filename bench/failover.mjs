#!/usr/bin/env node
// Fail-over time after a kill -9 of a processor: two built processors share a group while the generator produces a
// steady stream; one is killed with SIGKILL; the time from the kill to the first offset commit on one of its
// partitions (necessarily by the survivor) is measured; the killed one is restarted and the round repeated.
//
//   KAFKA_BROKERS=127.0.0.1:19692 node bench/failover.mjs [--rounds 5] [--rate 300]
//
// Needs the built apps (npx nx run-many -t build -p generator processor) and a running broker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const rounds = Number(option('rounds', '5'));
const rate = option('rate', '300');
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const run = `failover.${Date.now().toString(36)}`;
const topic = `${run}.events`;
const group = `${run}.processor`;
const dataDir = mkdtempSync(join(tmpdir(), 'failover-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(app, env) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'main.js')], {
    env: { ...process.env, KAFKA_BROKERS: brokers, EVENTS_TOPIC: topic, DLQ_TOPIC: `${topic}.dlq`, CONSUMER_GROUP: group, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output = (output + c).slice(-200_000)));
  child.stderr.on('data', (c) => (output = (output + c).slice(-200_000)));
  return { child, output: () => output };
}

async function startProcessor() {
  const port = await freePort();
  const proc = start('processor', { PROCESSOR_PORT: String(port) });
  for (let i = 0; i < 240; i++) {
    const status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
    if (status === 200) return proc;
    await sleep(250);
  }
  throw new Error(`processor did not become healthy:\n${proc.output()}`);
}

/** Partitions of the member's last assignment, from its "Joined group … assigned {…}" log line. */
function assignedPartitions(proc) {
  const lines = proc.output().split('\n').filter((l) => l.includes('Joined group as'));
  const last = lines.at(-1);
  if (!last) return [];
  const json = last.slice(last.indexOf('assigned ') + 'assigned '.length).replace(/\u001b\[[0-9;]*m/g, '').trim();
  return JSON.parse(json)[topic] ?? [];
}

async function committed(admin) {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map(offsets.partitions.map((p) => [p.partition, BigInt(p.offset)]));
}

const kafka = new Kafka({ clientId: 'failover', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const processors = [await startProcessor(), await startProcessor()];
const generator = start('generator', { GENERATOR_PORT: String(await freePort()), GENERATOR_RATE: rate });
const results = [];
try {
  for (let round = 0; round < rounds; round++) {
    // Both members hold partitions and commits are flowing.
    for (let i = 0; i < 120 && processors.some((p) => assignedPartitions(p).length === 0); i++) await sleep(500);
    await sleep(3_000);
    const victimIndex = round % 2;
    const victim = processors[victimIndex];
    const partitions = assignedPartitions(victim);
    const before = await committed(admin);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    let resumedAt = null;
    while (Date.now() - killedAt < 120_000) {
      const now = await committed(admin);
      if (partitions.some((p) => (now.get(p) ?? -1n) > (before.get(p) ?? -1n))) {
        resumedAt = Date.now();
        break;
      }
      await sleep(100);
    }
    const seconds = resumedAt === null ? null : (resumedAt - killedAt) / 1000;
    results.push(seconds);
    console.log(`round ${round + 1}: killed a member holding ${JSON.stringify(partitions)}; first commit on them after ${seconds ?? '>120'} s`);
    processors[victimIndex] = await startProcessor();
  }
} finally {
  const exited = [generator, ...processors].map((p) => new Promise((resolve) => (p.child.exitCode !== null ? resolve() : p.child.on('exit', resolve))));
  generator.child.kill('SIGTERM');
  for (const p of processors) p.child.kill('SIGTERM');
  await Promise.race([Promise.all(exited), sleep(30_000)]);
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}
const sorted = results.filter((r) => r !== null).sort((a, b) => a - b);
console.log(`fail-over after kill -9, ${rounds} rounds: median ${sorted[Math.floor(sorted.length / 2)]} s, min ${sorted[0]} s, max ${sorted.at(-1)} s`);
