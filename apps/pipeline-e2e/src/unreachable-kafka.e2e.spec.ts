import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, freePort, getJson, waitFor } from './support/app-process';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/**
 * A port nothing listens on: connections are refused at once. Port 1 (tcpmux) rather than a free ephemeral port: a
 * port free now can be handed to another process a moment later (once it was the processor's own HTTP port, which
 * accepted and closed the "broker" connection).
 */
async function deadBroker(): Promise<string> {
  return '127.0.0.1:1';
}

describe('Kafka unreachable: fail fast, speak plainly', () => {
  it('the generator CLI prints one clear line and exits 1 within 10 s', async () => {
    const brokers = await deadBroker();
    const started = Date.now();
    const cli = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', 'generator', 'cli.js'), '--count', '10'], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, KAFKA_BROKERS: brokers },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
    const elapsedMs = Date.now() - started;

    expect({ code, stderr }).toMatchObject({ code: 1 });
    expect(elapsedMs).toBeLessThan(10_000);
    expect(stderr.trim().split('\n')).toEqual([
      // No --seed: a fresh one, said so the run can be repeated.
      expect.stringMatching(/^seed \d+ \(--seed \d+ repeats this stream\)$/),
      `producing to ecommerce.events on ${brokers}`,
      expect.stringMatching(new RegExp(`^error: cannot reach Kafka at ${brokers}: .*ECONNREFUSED.* \\(start the local broker with \`npm run kafka start\``)),
    ]);
    expect(stdout).toBe('');
  });

  it('the generator app serves at once, answers /health 503 with the reason, logs one line and keeps retrying', async () => {
    const port = await freePort();
    const app = new AppProcess('generator', { KAFKA_BROKERS: await deadBroker(), GENERATOR_PORT: String(port) }).start();
    try {
      const health = await waitFor('generator /health', async () => {
        const response = await getJson<{ status: string; error?: Record<string, { status: string; message: string }> }>(`http://127.0.0.1:${port}/health`);
        return response.status === 503 ? response.body : null;
      });
      expect(health.error?.['kafka']).toMatchObject({ status: 'down', message: expect.stringContaining('ECONNREFUSED') });
      // Start cannot work yet, and says why.
      const start = await fetch(`http://127.0.0.1:${port}/generator/start`, { method: 'POST' });
      expect(start.status).toBe(503);
      expect(((await start.json()) as { message: string }).message).toMatch(/^Kafka at 127\.0\.0\.1:\d+ has not been reached yet \(see \/health\)$/);

      // A few retries later: still up, still one warning, no kafkajs JSON, no stack traces.
      await new Promise((r) => setTimeout(r, 4_000));
      expect(app.logs).toMatch(/Kafka at 127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED.*\); \/health answers 503 until it is/);
      expect(app.logs.match(/is unreachable/g)).toHaveLength(1);
      expect(app.logs).not.toMatch(/"level":"ERROR"|\bat TCPConnectWrap|\s+at \S+ \(/);
      expect(app.logs).not.toMatch(/\bERROR\b/);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(0);
    }
  });

  it('the processor serves /health 503 naming both reasons, logs one line and keeps retrying', async () => {
    const port = await freePort();
    const brokers = await deadBroker();
    const dataDir = mkdtempSync(join(tmpdir(), 'unreachable-'));
    const app = new AppProcess('processor', { KAFKA_BROKERS: brokers, PROCESSOR_PORT: String(port), DATA_DIR: dataDir }).start();
    try {
      const health = await waitFor('processor /health', async () => {
        const response = await getJson<{ error?: Record<string, { status: string; message: string }> }>(`http://127.0.0.1:${port}/health`);
        return response.status === 503 ? response.body : null;
      });
      expect(health.error?.['kafka']).toMatchObject({ status: 'down', message: expect.stringContaining('ECONNREFUSED') });
      expect(health.error?.['startup']).toEqual({ status: 'down', message: `consumer not started: waiting for Kafka at ${brokers}` });
      await new Promise((r) => setTimeout(r, 4_000));
      expect(app.logs.match(/is unreachable/g)).toHaveLength(1);
      expect(app.logs).not.toMatch(/\bERROR\b|"level":"ERROR"|\s+at \S+ \(/);
    } finally {
      const code = await app.stop('SIGTERM');
      if (code !== 0) console.log(app.logs.slice(-5000));
      expect(code).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
