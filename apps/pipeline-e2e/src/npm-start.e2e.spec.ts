import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/**
 * `npm start` (tools/run-pipeline.sh) as a user runs it, pointed at the test broker through KAFKA_BROKERS, and
 * stopped the way a terminal's Ctrl-C stops it: SIGINT to its whole process group (script, apps, log prefixers).
 */
describe('npm start, then Ctrl-C', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  it('stops every app with exit 0 after it committed what it stored, and leaves a broker it did not start running', async () => {
    const ports = { GENERATOR_PORT: await freePort(), PROCESSOR_PORT: await freePort(), REPORTER_PORT: await freePort() };
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...pipeline.baseEnv(),
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      GENERATOR_RATE: '200',
      BATCH_MAX_MS: '200',
      PIPELINE_SKIP_BUILD: '1', // the e2e target builds the apps first
      NODE_ENV: 'production',
    };
    delete env['KAFKA_PORT'];
    // Its own process group, like a shell's foreground job: the group id is the script's pid.
    const script = spawn('bash', ['tools/run-pipeline.sh'], { cwd: WORKSPACE_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    script.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => script.on('exit', (code) => resolve(code)));
    const pid = script.pid as number;

    try {
      await waitFor('the start banner', async () => output.includes('Pipeline running.'), { timeoutMs: 120_000 });
      expect(output).toContain(`dashboard        http://127.0.0.1:${ports.REPORTER_PORT}/`);
      expect(output).toContain(`Kafka            ${pipeline.brokers.join(',')}: the cluster in KAFKA_BROKERS (npm start neither starts nor stops it)`);
      expect(output).toContain('rate             200 events/s');
      // Events flowing and stored: the processor's counter has moved.
      await waitFor(
        'stored events',
        async () => {
          const metrics = await (await fetch(`http://127.0.0.1:${ports.PROCESSOR_PORT}/metrics`)).text();
          const stored = [...metrics.matchAll(/^processor_events_stored_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
          return stored >= 500;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    } catch (error) {
      process.kill(-pid, 'SIGKILL');
      throw new Error(`${(error as Error).message}\n--- npm start output ---\n${output}`);
    }

    process.kill(-pid, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    if (code === 'timeout') process.kill(-pid, 'SIGKILL');
    const report = `--- npm start output ---\n${output}`;
    expect({ code, report }).toMatchObject({ code: 130 });
    for (const app of ['generator', 'processor', 'reporter']) {
      expect({ line: `${app} exited with code 0`, found: output.includes(`${app} exited with code 0`), report }).toMatchObject({ found: true });
    }
    expect(output).not.toMatch(/EPIPE|exited with code [1-9]/);
    // Each app's own shutdown line got through its prefixer.
    expect(output).toMatch(/^\[processor\] .*SIG(INT|TERM) received, shutting down/m);
    expect(output).toMatch(/^\[generator\] .*Stopped: \d+ events published/m);

    // Nothing pending, and the committed offsets are exactly what is stored (every event of a fresh topic is good).
    const pending = join(pipeline.dataDir, '_pending');
    expect(existsSync(pending) ? readdirSync(pending).filter((f) => f.endsWith('.json')) : []).toEqual([]);
    const stored = (await pipeline.storedEventIds()).length;
    // The broker was not npm start's: it is still up, and answers.
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: pipeline.group, topics: [pipeline.topic] });
      const committed = partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      expect(stored).toBeGreaterThanOrEqual(500);
      expect(committed).toBe(stored);
    } finally {
      await admin.disconnect();
    }
  });
});
