import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, samplePageView } from '@pipeline/events';
import { BatchConsumerConfig, type KafkaBatchMessage } from '@pipeline/kafka';
import { LocalFileSystemBackend } from '@pipeline/storage';
import { Registry } from 'prom-client';
import { DLQ_HEADERS } from '../dead-letter';
import { SILENT_LOGGER } from '../ingest-batch';
import { BrokerFacts, IngestHealth } from './ingest-health';
import { IngestMetrics } from './ingest-metrics';
import { KafkaIngest } from './kafka-ingest';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');

function message(offset: number, value: Buffer) {
  return { offset: String(offset), key: Buffer.from('s-0001'), value, timestamp: String(NOW), attributes: 0, headers: { 'event-type': 'page_view' } };
}

/** kafkajs' eachBatch payload built by hand, with a producer that records what it is asked to send. */
function batchOf(messages: ReturnType<typeof message>[]) {
  const sent: { topic: string; messages: { headers?: Record<string, unknown> }[] }[] = [];
  const commits: string[] = [];
  const payload = {
    batch: { topic: 'events', partition: 1, highWatermark: String(Number(messages[messages.length - 1].offset) + 1), messages, firstOffset: () => messages[0].offset },
    isRunning: () => true,
    isStale: () => false,
    isCurrentGeneration: () => true,
    commitOffsetsIfNecessary: async (o: { topics: { partitions: { offset: string }[] }[] }) => void commits.push(o.topics[0].partitions[0].offset),
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    producer: { send: async (request: { topic: string; messages: { headers?: Record<string, unknown> }[] }) => void sent.push(request) },
  };
  return { payload: payload as unknown as KafkaBatchMessage, sent, commits };
}

describe('KafkaIngest', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-ingest-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function ingestInto(lake: string) {
    const registry = new Registry();
    const health = new IngestHealth(new BatchConsumerConfig());
    const facts = Object.assign(new BrokerFacts(), { storageTopic: 'events.c-new' });
    const ingest = new KafkaIngest({
      backend: new LocalFileSystemBackend(lake),
      lakeFolder: lake,
      eventsTopic: 'events',
      dlqTopic: 'events.dlq',
      facts,
      health,
      metrics: new IngestMetrics(registry),
      logger: SILENT_LOGGER,
      pipeline: { maxEvents: 100, now: () => NOW },
    });
    return { ingest, health, registry };
  }

  it('stores a batch under the incarnation name, dead-letters the bad message to the DLQ, commits and keeps health and metrics', async () => {
    const { ingest, health, registry } = ingestInto(dir);
    const pageView = (n: number) => encodeEvent(samplePageView({ event_id: `0b0e8a52-8c1f-4c2a-9d55-${String(n).padStart(12, '0')}` })).value;
    const { payload, sent, commits } = batchOf([message(40, pageView(1)), message(41, Buffer.from('not json')), message(42, pageView(2))]);
    await ingest.ingest(payload);

    expect(commits).toEqual(['43']);
    expect(sent.map((s) => [s.topic, s.messages.map((m) => m.headers?.[DLQ_HEADERS.reason])])).toEqual([['events.dlq', ['invalid_json']]]);
    expect(ingest.totals).toEqual({ stored: 2, deadLettered: 1, flushes: 1 });
    const storedFiles = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet') && f.includes('events.c-new+1+'));
    expect(storedFiles.length).toBeGreaterThan(0);
    expect(health.storage.check().up).toBe(true);
    expect(health.progress.lastCommitAtMs).not.toBeNull();
    expect((await registry.getSingleMetric('processor_events_consumed_total')?.get())?.values[0].value).toBe(3);
  });

  it('turns storage readiness down with the probed root cause when the lake cannot be written, and rethrows', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const { ingest, health } = ingestInto(file);
    const { payload, commits } = batchOf([message(7, encodeEvent(samplePageView()).value)]);
    await expect(ingest.ingest(payload)).rejects.toThrow();
    expect(commits).toEqual([]);
    expect(health.storage.check()).toMatchObject({ up: false, details: { code: 'ENOTDIR' } });
  });
});
