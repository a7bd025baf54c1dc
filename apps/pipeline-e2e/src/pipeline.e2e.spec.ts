import { getJson, waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

describe('pipeline end to end (real Kafka, apps as processes)', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  it('stores every one of 1,000 generated events exactly once and reports them', async () => {
    const { port: reporterPort } = await pipeline.startApp('reporter');
    const processor = await pipeline.startApp('processor', { METRICS_ROLLUP_MS: '300', BATCH_MAX_MS: '200' });

    await pipeline.generate({ GENERATOR_COUNT: '1000', GENERATOR_SEED: '7' });

    // What really reached Kafka, read back independently of the apps.
    const published = await pipeline.readTopic(pipeline.topic, 1000);
    const publishedIds = published.map((m) => JSON.parse(m.value!.toString()).event_id as string);
    expect(new Set(publishedIds).size).toBe(1000);
    const offsets = await pipeline.topicOffsets(pipeline.topic);
    expect(offsets.filter((p) => p.high !== '0')).toHaveLength(3);

    const storedIds = await waitFor('1,000 events in Parquet', async () => {
      const ids = await pipeline.storedEventIds();
      return ids.length >= 1000 ? ids : null;
    });
    expect(storedIds).toHaveLength(1000);
    expect(new Set(storedIds)).toEqual(new Set(publishedIds));

    const summary = await waitFor('the reporter to count 1,000 events', async () => {
      const { body } = await getJson<{ events: number; eventsByType: Record<string, number> }>(
        `http://127.0.0.1:${reporterPort}/api/summary`,
      );
      // Tables of one hour are rewritten one after the other: wait until both agree.
      const byType = Object.values(body.eventsByType).reduce((a, b) => a + b, 0);
      return body.events === 1000 && byType === 1000 ? body : null;
    });
    expect(summary.events).toBe(1000);
    expect(summary.eventsByType['page_view']).toBeGreaterThan(0);

    // Operations see the same count: the processor's Prometheus counter moved by exactly the events stored.
    const metrics = await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text();
    const stored = [...metrics.matchAll(/^processor_events_stored_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(stored).toBe(1000);
    expect(metrics).toMatch(/^process_resident_memory_bytes\{service="processor"\} \d+/m);

    // SIGTERM: stop fetching, finish the batch in hand, commit, disconnect, exit 0 within a bounded time.
    const started = Date.now();
    expect(await processor.app.stop('SIGTERM', 20_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
