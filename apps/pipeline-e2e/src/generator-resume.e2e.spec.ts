import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { HEADER_INJECTED_FAULT } from '@pipeline/simulation';
import { waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const CLI_BUNDLE = join(WORKSPACE_ROOT, 'dist', 'apps', 'generator', 'cli.js');
const COUNT = 30_000;
// With injected faults: messages without an event id of their own (invalid JSON, missing or copied ids) must be
// found in the topic like the others.
const RUN = ['--count', String(COUNT), '--seed', '913', '--start-time', '2026-11-27T08:00:00Z', '--bad-ratio', '0.05'];

function startCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('latin1'), stderr: Buffer.concat(stderr).toString('utf8') })),
  );
  return { child, done };
}

describe('generator --resume (real broker): a run killed with kill -9, then resumed, lands every event once', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());
  const env = () => ({ KAFKA_BROKERS: pipeline.brokers.join(','), EVENTS_TOPIC: pipeline.topic, TOPIC_PARTITIONS: '3' });
  const stored = async () => (await pipeline.topicOffsets(pipeline.topic)).reduce((n, p) => n + Number(p.high), 0);

  it('sends only what Kafka lacks: no event missing, none twice', async () => {
    // The stream itself, for reference: same seed and options, printed instead of sent (latin1: byte for byte,
    // invalid UTF-8 included; no message holds a newline byte).
    const expected = (await startCli([...RUN, '--rate', 'max', '--dry-run'], env()).done).stdout.trimEnd().split('\n');
    expect(expected).toHaveLength(COUNT);

    // Paced so that it is still running when the topic holds a third of the run: then kill -9, no clean shutdown.
    const first = startCli([...RUN, '--rate', '4000'], env());
    await waitFor('a third of the run in Kafka', async () => ((await stored().catch(() => 0)) >= COUNT / 3 ? true : null), { timeoutMs: 60_000, intervalMs: 100 });
    first.child.kill('SIGKILL');
    expect((await first.done).code).toBeNull();
    const afterKill = await stored();
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(COUNT);

    const resumed = await startCli([...RUN, '--rate', 'max', '--resume'], env()).done;
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resume: ${afterKill} of ${COUNT} messages of run 913:[0-9a-f]{12} are in ${pipeline.topic.replace(/\./g, '\\.')} already; sending the other ${COUNT - afterKill}`));
    // The high watermarks count what the broker holds: exactly the run, nothing written twice.
    expect(await stored()).toBe(COUNT);

    const messages = await pipeline.readTopicWithPartitions(pipeline.topic, COUNT);
    expect(messages).toHaveLength(COUNT);
    // Byte for byte the stream's messages: every message of the run is in the topic exactly once (the stream's
    // messages are all distinct), faults included.
    expect(new Set(expected).size).toBe(COUNT);
    expect(messages.filter(({ message }) => message.headers?.[HEADER_INJECTED_FAULT] !== undefined).length).toBeGreaterThan(COUNT * 0.03);
    expect(messages.map(({ message }) => message.value?.toString('latin1')).sort()).toEqual([...expected].sort());
    // Nothing but the event's own headers (and the fault marks): the run is found by its messages' content.
    expect(messages.every(({ message }) => Object.keys(message.headers ?? {}).every((h) => !h.startsWith('x-generator')))).toBe(true);

    // Resuming a finished run sends nothing.
    const again = await startCli([...RUN, '--rate', 'max', '--resume'], env()).done;
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`resume: ${COUNT} of ${COUNT} messages`);
    expect(await stored()).toBe(COUNT);
  });
});

describe('generator with a large GENERATOR_BATCH_SIZE (real broker)', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  it('sends every event with GENERATOR_BATCH_SIZE=20000: no partition\'s record batch reaches the broker\'s 1 MiB limit', async () => {
    // 20,000 events are ~9 MB, ~3 MB per partition: sent as one request, the broker refused every attempt.
    const count = 24_000;
    const run = await startCli(['--count', String(count), '--seed', '5', '--rate', 'max'], {
      KAFKA_BROKERS: pipeline.brokers.join(','),
      EVENTS_TOPIC: pipeline.topic,
      TOPIC_PARTITIONS: '3',
      GENERATOR_BATCH_SIZE: '20000',
    }).done;
    expect(run.stderr).not.toContain('larger than the max message size');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`sent ${count}, failed 0`);
    expect((await pipeline.topicOffsets(pipeline.topic)).reduce((n, p) => n + Number(p.high), 0)).toBe(count);
  });
});
