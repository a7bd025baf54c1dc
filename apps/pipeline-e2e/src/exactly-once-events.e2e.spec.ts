import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listVisibleEventFilesInRange } from '@pipeline/storage';
import { waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

const run = promisify(execFile);
const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const TOTAL = 3_000;

/**
 * Issue 13's drill: every event is stored once whatever delivers it again. Events with a simulated clock hours in
 * the past are published, the processor is killed with kill -9 mid-work and restarted, a slice is published again,
 * and another slice is backfilled from a second file into the same lake.
 */
describe('every event stored once (real Kafka, kill -9, re-sent events, backfill)', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  it('holds each event once and dead-letters every copy as duplicate_event_id', async () => {
    const startTime = new Date(Date.now() - 5 * 3_600_000).toISOString();
    const { stdout } = await run(
      process.execPath,
      [join(WORKSPACE_ROOT, 'dist', 'apps', 'generator', 'cli.js'), '--count', String(TOTAL), '--seed', '31', '--start-time', startTime, '--rate', 'max', '--dry-run'],
      { cwd: WORKSPACE_ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(TOTAL);
    const ids = lines.map((line) => JSON.parse(line).event_id as string);
    const producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Keyed by session like the generator: a re-sent copy reaches its original's partition.
    const publish = (slice: string[]) =>
      producer.send({ topic: pipeline.topic, acks: -1, messages: slice.map((line) => ({ key: JSON.parse(line).session_id as string, value: line })) });

    try {
      // The events are hours old, so their hours are closed: the processor's scheduled compaction runs through all of it.
      const processorEnv = { BATCH_MAX_EVENTS: '200', BATCH_MAX_MS: '100', KAFKA_SESSION_TIMEOUT_MS: '6000', COMPACTION_INTERVAL_MS: '3000', COMPACTION_GRACE_MS: '0' };
      let processor = (await pipeline.startApp('processor', processorEnv)).app;
      await publish(lines.slice(0, 2_000));
      await waitFor('some events stored before the kill', async () => (await pipeline.storedEventIds()).length >= 400, { timeoutMs: 120_000 });
      await processor.kill9();
      await publish(lines.slice(2_000));
      processor = (await pipeline.startApp('processor', processorEnv)).app;
      await waitFor('every event stored', async () => new Set(await pipeline.storedEventIds()).size === TOTAL, { timeoutMs: 180_000 });

      // Re-sent: 500 events the lake already holds, published again after the restart.
      await publish(lines.slice(500, 1_000));
      // And a second file whose first 300 lines were already stored from Kafka, plus nothing new.
      const second = join(pipeline.dataDir, '..', `${pipeline.topic}-second.ndjson`);
      writeFileSync(second, `${lines.slice(2_700).join('\n')}\n`);
      const backfill = await run(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', 'processor', 'backfill.js'), '--input', second, '--storage-url', pipeline.storageUrl], {
        cwd: WORKSPACE_ROOT,
      });
      expect(backfill.stderr).toMatch(/0 events stored/);

      const deadLetters = await pipeline.readTopic(pipeline.dlqTopic, 500, 120_000);
      const reasons = deadLetters.map((m) => m.headers?.['dlq-reason']?.toString());
      expect(new Set(reasons)).toEqual(new Set(['duplicate_event_id']));
      expect(new Set(deadLetters.map((m) => JSON.parse(m.value!.toString()).event_id))).toEqual(new Set(ids.slice(500, 1_000)));

      const backfillLetters: string[] = [];
      for (const key of await pipeline.backend.list('dead-letters')) {
        backfillLetters.push(...(await pipeline.backend.read(key)).toString('utf8').trim().split('\n'));
      }
      expect(backfillLetters).toHaveLength(300);
      expect(backfillLetters.every((line) => line.includes('duplicate_event_id'))).toBe(true);

      // The lake: every published event exactly once, nothing else, in few files per hour once compaction ran.
      await waitFor(
        'closed hours compacted by the processor',
        async () => {
          const perHour = new Map<string, number>();
          const keys = await listVisibleEventFilesInRange(pipeline.backend);
          if (!keys.some((key) => key.includes('/compacted+'))) return false;
          for (const key of keys) {
            const hour = key.slice(0, key.lastIndexOf('/'));
            perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
          }
          return perHour.size > 0 && [...perHour.values()].every((n) => n <= 3);
        },
        { timeoutMs: 120_000 },
      );
      const stored = await pipeline.storedEventIds();
      expect(stored).toHaveLength(TOTAL);
      expect(new Set(stored)).toEqual(new Set(ids));
    } finally {
      await producer.disconnect();
    }
  }, 600_000);
});
