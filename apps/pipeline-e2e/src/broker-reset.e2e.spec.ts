import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileSystemBackend, readEventRows } from '@pipeline/storage';
import { AppProcess, freePort, waitFor, waitForHealthy } from './support/app-process';
import { PrivateBroker } from './support/private-broker';

describe('broker data wiped while the lake keeps its files (real Kafka)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-reset-e2e-'));
  const backend = new LocalFileSystemBackend(dataDir);
  let broker: PrivateBroker;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    broker = new PrivateBroker(await freePort());
    await broker.start();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await broker.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ KAFKA_BROKERS: broker.brokers, DATA_DIR: dataDir, TOPIC_PARTITIONS: '2' });

  async function startProcessor(): Promise<AppProcess> {
    const port = await freePort();
    const app = new AppProcess('processor', { ...env(), PROCESSOR_PORT: String(port) }).start();
    apps.push(app);
    await waitForHealthy(app, port, 90_000);
    return app;
  }

  async function generate(count: number, seed: number): Promise<void> {
    const app = new AppProcess('generator', {
      ...env(),
      GENERATOR_PORT: String(await freePort()),
      GENERATOR_RATE: 'max',
      GENERATOR_EXIT_WHEN_DONE: 'true',
      GENERATOR_COUNT: String(count),
      GENERATOR_SEED: String(seed),
    }).start();
    apps.push(app);
    expect(await app.waitForExit()).toBe(0);
  }

  async function storedIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const key of await backend.list('events')) {
      if (!key.endsWith('.parquet')) continue;
      for await (const row of readEventRows(backend, key)) ids.push(String(row['event_id']));
    }
    return ids;
  }

  it('keeps the old files, stores the new cluster\'s data under other names, and does not loop', async () => {
    const first = await startProcessor();
    await generate(2_000, 1);
    await waitFor('the first 2,000 events stored', async () => (await storedIds()).length === 2_000, { timeoutMs: 90_000 });
    const oldFiles = (await backend.list('events')).filter((k) => k.endsWith('.parquet'));

    // The broker loses its data (new cluster id, offsets from 0); the lake keeps its files.
    await first.stop();
    await broker.stop();
    broker.wipeData();
    await broker.start();

    const second = await startProcessor();
    await generate(2_000, 2);
    const ids = await waitFor('4,000 events stored', async () => {
      const all = await storedIds();
      return all.length >= 4_000 ? all : null;
    }, { timeoutMs: 120_000 });
    expect(ids).toHaveLength(4_000);
    expect(new Set(ids).size).toBe(4_000);

    const files = (await backend.list('events')).filter((k) => k.endsWith('.parquet'));
    for (const old of oldFiles) expect(files).toContain(old);
    const newFiles = files.filter((f) => !oldFiles.includes(f));
    expect(newFiles.length).toBeGreaterThan(0);
    expect(newFiles.every((f) => /\/ecommerce\.events\.c-[A-Za-z0-9_-]+\+\d+\+\d{20}\.parquet$/.test(f))).toBe(true);

    const logs = second.logs;
    expect(logs.match(/Kafka cluster changed/g)).toHaveLength(1);
    expect(logs).not.toMatch(/StaleWriterError|already stored by another writer/);
    expect(logs).not.toMatch(/restarting it/);
  }, 480_000);
});
