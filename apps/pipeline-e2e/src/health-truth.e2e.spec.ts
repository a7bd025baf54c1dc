import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileSystemBackend, readEventRows } from '@pipeline/storage';
import { AppProcess, freePort, getJson, waitFor, waitForHealthy } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';
import { PrivateBroker } from './support/private-broker';

type HealthBody = { status: string; error?: Record<string, { status: string; message?: string }>; info?: Record<string, { status: string }> };

const health = async (port: number) => getJson<HealthBody>(`http://127.0.0.1:${port}/health`);

describe('/health tells the truth about the processor (real Kafka)', () => {
  describe('while storage writes fail', () => {
    const pipeline = new PipelineFixture();
    afterAll(() => pipeline.dispose());

    it('answers 503 naming the storage check with the root cause, then 200 after recovery with nothing lost', async () => {
      const { port } = await pipeline.startApp('processor', { LAG_POLL_MS: '500', METRICS_ROLLUP_MS: '100000' });
      await pipeline.generate({ GENERATOR_COUNT: '500', GENERATOR_SEED: '3' });
      await waitFor('the first 500 events stored', async () => (await pipeline.storedEventIds()).length === 500);

      // Tests run as root, where a read-only mode does not stop writes: a file where the events folder was does.
      const events = join(pipeline.dataDir, 'events');
      renameSync(events, `${events}.kept`);
      writeFileSync(events, 'not a folder');
      await pipeline.generate({ GENERATOR_COUNT: '500', GENERATOR_SEED: '4' });

      const down = await waitFor('503 naming storage', async () => {
        const response = await health(port);
        return response.status === 503 && response.body.error?.['storage']?.status === 'down' ? response : null;
      }, { timeoutMs: 60_000 });
      expect(down.body.error?.['storage'].message).toMatch(/^last write failed: (ENOTDIR|EEXIST)/);
      // The consumer itself is fine: it keeps fetching and retrying the batch.
      expect(down.body.error?.['consumer']?.status ?? down.body.info?.['consumer']?.status).toBe('up');
      expect(pipeline.logs('processor')).toMatch(/Storage write failed, batch will be retried: (ENOTDIR|EEXIST)/);

      rmSync(events);
      renameSync(`${events}.kept`, events);
      await waitFor('200 again', async () => (await health(port)).status === 200, { timeoutMs: 120_000 });
      const ids = await waitFor('all 1,000 events stored', async () => {
        const all = await pipeline.storedEventIds();
        return all.length >= 1_000 ? all : null;
      });
      expect(ids).toHaveLength(1_000);
      expect(new Set(ids).size).toBe(1_000);
    });
  });

  describe('while the consumer is stopped', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'health-truth-e2e-'));
    let broker: PrivateBroker;
    const apps: AppProcess[] = [];

    beforeAll(async () => {
      broker = new PrivateBroker(await freePort());
      await broker.start();
    }, 240_000);
    afterAll(async () => {
      await Promise.all(apps.map((a) => a.stop()));
      await broker.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 503 naming the consumer while the broker is gone, then 200 with nothing lost', async () => {
      const env = { KAFKA_BROKERS: broker.brokers, DATA_DIR: dataDir, TOPIC_PARTITIONS: '2', LAG_POLL_MS: '500' };
      const port = await freePort();
      const processor = new AppProcess('processor', { ...env, PROCESSOR_PORT: String(port) }).start();
      apps.push(processor);
      await waitForHealthy(processor, port, 90_000);
      const generate = async (seed: number) => {
        const app = new AppProcess('generator', { ...env, GENERATOR_PORT: String(await freePort()), GENERATOR_RATE: 'max', GENERATOR_EXIT_WHEN_DONE: 'true', GENERATOR_COUNT: '500', GENERATOR_SEED: String(seed) }).start();
        apps.push(app);
        expect(await app.waitForExit()).toBe(0);
      };
      await generate(5);

      await broker.stop();
      const down = await waitFor('503 naming the consumer', async () => {
        const response = await health(port);
        return response.status === 503 && response.body.error?.['consumer']?.status === 'down' ? response : null;
      }, { timeoutMs: 60_000 });
      expect(down.body.error?.['consumer'].message).toMatch(/^consumer (is (stopped|restarting)|has not fetched)/);

      await broker.start();
      await waitFor('200 again', async () => (await health(port)).status === 200, { timeoutMs: 120_000 });
      await generate(6);
      const backend = new LocalFileSystemBackend(dataDir);
      const ids = await waitFor('all 1,000 events stored', async () => {
        const all: string[] = [];
        for (const key of await backend.list('events')) {
          if (key.endsWith('.parquet')) for await (const row of readEventRows(backend, key)) all.push(String(row['event_id']));
        }
        return all.length >= 1_000 ? all : null;
      }, { timeoutMs: 90_000 });
      expect(new Set(ids).size).toBe(1_000);
      expect(ids).toHaveLength(1_000);
    }, 480_000);
  });
});
