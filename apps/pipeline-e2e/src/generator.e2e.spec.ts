import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeEvent, HEADER_EVENT_TYPE, HEADER_SCHEMA_VERSION } from '@pipeline/events';
import { getJson, waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const CLI_BUNDLE = join(WORKSPACE_ROOT, 'dist', 'apps', 'generator', 'cli.js');
const COUNT = 10_000;
const PARTITIONS = 3;

interface ReadMessage {
  partition: number;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

async function readWithPartitions(pipeline: PipelineFixture, topic: string, expected: number): Promise<ReadMessage[]> {
  const read = await pipeline.readTopicWithPartitions(topic, expected, 30_000);
  return read.map(({ partition, message }) => ({
    partition,
    key: String(message.key),
    value: message.value ?? Buffer.alloc(0),
    headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
  }));
}

/** Everything asked of a run of COUNT events on a 3-partition topic, checked against what Kafka holds. */
async function expectCompleteKeyedStream(pipeline: PipelineFixture, topic: string): Promise<ReadMessage[]> {
  // The high watermarks count what the broker stored: exactly COUNT means nothing lost and nothing written twice.
  const offsets = await pipeline.topicOffsets(topic);
  expect(offsets).toHaveLength(PARTITIONS);
  expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(COUNT);

  const messages = await readWithPartitions(pipeline, topic, COUNT);
  expect(messages).toHaveLength(COUNT);
  expect(new Set(messages.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));

  const partitionsBySession = new Map<string, Set<number>>();
  const eventIds = new Set<string>();
  for (const message of messages) {
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) throw new Error(`partition ${message.partition}: ${decoded.reason}: ${decoded.details.join("; ")}`);
    const { event } = decoded;
    eventIds.add(event.event_id);
    expect(message.key).toBe(event.session_id);
    expect(message.headers[HEADER_EVENT_TYPE]).toBe(event.event_type);
    expect(message.headers[HEADER_SCHEMA_VERSION]).toBe(String(event.schema_version));
    const partitions = partitionsBySession.get(message.key) ?? new Set<number>();
    partitions.add(message.partition);
    partitionsBySession.set(message.key, partitions);
  }
  expect(eventIds.size).toBe(COUNT);
  // Kafka keeps order per partition only: a session's funnel must never be split across partitions.
  const split = [...partitionsBySession].filter(([, partitions]) => partitions.size > 1);
  expect(split).toEqual([]);
  expect(partitionsBySession.size).toBeGreaterThan(100);
  return messages;
}

interface CliRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }));
  });
}

async function send(method: 'PUT' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('generator against the real broker', () => {
  let pipeline: PipelineFixture;
  beforeEach(() => (pipeline = new PipelineFixture()));
  afterEach(() => pipeline.dispose());

  it('the app, one-shot at max rate, lands 10,000 events once each, spread over 3 partitions by session', async () => {
    await pipeline.generate({ GENERATOR_COUNT: String(COUNT), GENERATOR_SEED: '11' });
    await expectCompleteKeyedStream(pipeline, pipeline.topic);
  });

  it('the CLI bundle sends the same bytes its --dry-run prints, 10,000 events keyed by session', async () => {
    const args = ['--count', String(COUNT), '--seed', '12', '--start-time', '2026-11-27T09:00:00Z', '--rate', 'max'];
    const env = { KAFKA_BROKERS: pipeline.brokers.join(','), EVENTS_TOPIC: pipeline.topic };

    const sent = await runCli(args, env);
    expect({ code: sent.code, stderr: sent.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`sent ${COUNT}, failed 0`) });
    expect(sent.stdout).toHaveLength(0);
    const messages = await expectCompleteKeyedStream(pipeline, pipeline.topic);

    const printed = await runCli([...args, '--dry-run'], env);
    expect(printed.code).toBe(0);
    const printedLines = printed.stdout.toString('utf8').trimEnd().split('\n');
    expect(printedLines).toHaveLength(COUNT);
    expect(messages.map((m) => m.value.toString('utf8')).sort()).toEqual(printedLines.sort());
  });

  it('is controlled over REST: status, rate validation, start and stop', async () => {
    const { port } = await pipeline.startApp('generator', { GENERATOR_AUTOSTART: 'false', GENERATOR_RATE: '20' });
    const api = `http://127.0.0.1:${port}/generator`;

    const idle = await getJson<Record<string, unknown>>(`${api}/status`);
    expect(idle).toEqual({ status: 200, body: expect.objectContaining({ running: false, rate: 20, produced: 0 }) });

    const bad = await send('PUT', `${api}/rate`, { rate: 'fast' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body['message'])).toContain('rate');
    expect((await send('PUT', `${api}/rate`, {})).status).toBe(400);

    const changed = await send('PUT', `${api}/rate`, { rate: 200 });
    expect(changed).toEqual({ status: 200, body: expect.objectContaining({ rate: 200 }) });
    expect((await getJson<Record<string, unknown>>(`${api}/status`)).body).toMatchObject({ rate: 200, running: false });

    // /health can answer 200 a moment before the generator finished its topic set-up; start says 503 until then.
    const started = await waitFor('the generator to accept a start', async () => {
      const answer = await send('POST', `${api}/start`);
      return answer.status === 503 ? null : answer;
    });
    expect(started).toEqual({ status: 200, body: expect.objectContaining({ running: true }) });
    expect((await send('POST', `${api}/start`)).status).toBe(409);
    await waitFor('events to be published', async () => {
      const { body } = await getJson<{ published: number }>(`${api}/status`);
      return body.published >= 50;
    }, { timeoutMs: 15_000 });

    const stopped = await send('POST', `${api}/stop`);
    expect(stopped).toEqual({ status: 200, body: expect.objectContaining({ running: false, stopReason: 'stopped' }) });
    const final = await getJson<{ running: boolean; published: number; failed: number }>(`${api}/status`);
    expect(final.body).toMatchObject({ running: false, failed: 0 });
    // Stop waits for the batch in flight: what the app reports as published is exactly what the broker holds.
    const offsets = await pipeline.topicOffsets(pipeline.topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(final.body.published);
  });
});
