import { AppProcess, freePort, getJson, waitFor, waitForHealthy, type AppName } from './support/app-process';
import { PrivateBroker } from './support/private-broker';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('health endpoints follow the broker (real Kafka stopped and started)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'health-e2e-'));
  let broker: PrivateBroker;
  const apps: { app: AppProcess; port: number }[] = [];

  beforeAll(async () => {
    broker = new PrivateBroker(await freePort());
    await broker.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.stop()));
    await broker.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 200 with Kafka up, 503 while it is down, and 200 again once it is back', async () => {
    const env = { KAFKA_BROKERS: broker.brokers, DATA_DIR: dataDir, GENERATOR_AUTOSTART: 'false' };
    for (const name of ['generator', 'processor', 'reporter'] as AppName[]) {
      const port = await freePort();
      const app = new AppProcess(name, { ...env, [`${name.toUpperCase()}_PORT`]: String(port) }).start();
      apps.push({ app, port });
      await waitForHealthy(app, port);
    }
    const statuses = () => Promise.all(apps.map(async ({ port }) => (await getJson(`http://127.0.0.1:${port}/health`)).status));

    expect(await statuses()).toEqual([200, 200, 200]);
    const live = await getJson<{ status: string }>(`http://127.0.0.1:${apps[0].port}/health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });

    await broker.stop();
    await waitFor('503 from every app', async () => (await statuses()).every((s) => s === 503), { timeoutMs: 30_000 });
    const down = await getJson<{ error: Record<string, { status: string }> }>(`http://127.0.0.1:${apps[2].port}/health`);
    expect(down.body.error['kafka'].status).toBe('down');
    // Liveness does not depend on Kafka: restarting the app would not bring the broker back.
    expect((await getJson(`http://127.0.0.1:${apps[2].port}/health/live`)).status).toBe(200);

    await broker.start();
    await waitFor('200 from every app again', async () => (await statuses()).every((s) => s === 200), { timeoutMs: 60_000 });
  });
});
