import { randomUUID } from 'node:crypto';
import { encodeEvent, samplePageView, type ShopEvent } from '@pipeline/events';
import { EVENTS_MAX_MESSAGE_BYTES } from '@pipeline/kafka';
import type { KafkaMessage, Message } from 'kafkajs';
import { getJson, waitFor } from './support/app-process';
import { produceWithConsoleProducer, type ConsoleRecord } from './support/console-producer';
import { PipelineFixture, type LakeStorage } from './support/pipeline-fixture';

/** A seeded generator (mulberry32): the fuzz is the same on every run, and a failure can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

function goodEvent(): ShopEvent {
  const id = randomUUID();
  return samplePageView({ event_id: id, session_id: `s-${id.slice(0, 8)}`, event_time: new Date().toISOString() });
}

function nestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A valid event with one extra field nested `depth` objects deep (accepted up to 31: the event itself is level 1). */
function withDeepExtraField(event: ShopEvent, depth: number): Buffer {
  return Buffer.from(JSON.stringify(event).replace(/}$/, `,"extra":${nestedJson(depth)}}`));
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

/** Every poison case on both backends; the fuzz is shorter on S3 to keep the suite's time in bounds. */
const VARIANTS: { storage: LakeStorage; fuzzRounds: number }[] = [
  { storage: 'file', fuzzRounds: 60 },
  { storage: 's3', fuzzRounds: 20 },
];

describe.each(VARIANTS)('no message can stop the processor on $storage storage (real Kafka, poison cases and a seeded fuzz)', ({ storage, fuzzRounds }) => {
  const pipeline = new PipelineFixture(storage);
  afterAll(() => pipeline.dispose());

  it('stores every good event exactly once, dead-letters every bad one with a reason, and stays healthy', async () => {
    const { port } = await pipeline.startApp('processor', { METRICS_ROLLUP_MS: '1000' });
    const healthStatuses: number[] = [];
    const healthFailures: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const response = await getJson(`http://127.0.0.1:${port}/health`).catch((error: Error) => ({ status: 0, body: error.message }));
        healthStatuses.push(response.status);
        if (response.status !== 200) healthFailures.push(JSON.stringify(response.body));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    const producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const good = new Set<string>();
    let bad = 0;
    const sendGood = async (n: number, headers: Message['headers'] = {}) => {
      const events = Array.from({ length: n }, goodEvent);
      for (const e of events) good.add(e.event_id);
      await producer.send({ topic: pipeline.topic, acks: -1, messages: events.map((e) => ({ ...encodeEvent(e), headers: { ...encodeEvent(e).headers, ...headers } })) });
    };
    const sendBad = async (message: Message) => {
      bad++;
      await producer.send({ topic: pipeline.topic, acks: -1, messages: [message] });
    };

    try {
      // The poison cases of the issue, each between good events.
      await sendGood(50);
      await sendBad({ key: 'deep', value: withDeepExtraField(goodEvent(), 10_000) });
      await sendGood(50);
      const cart = { ...goodEvent(), event_type: 'add_to_cart', quantity: '2' };
      await sendBad({ key: 'quantity', value: JSON.stringify(cart) });
      // A refused message as large as the events topic takes (its record batch must fit, hence the margin).
      await sendBad({ key: 'large', value: Buffer.alloc(EVENTS_MAX_MESSAGE_BYTES - 2_048, 0x7b), headers: { 'big-header': 'h'.repeat(1_000) } });
      // Two refused 600 KB messages on one partition, fetched (and dead-lettered) together.
      await sendBad({ key: 'same-partition', value: Buffer.alloc(600_000, 0x5b) });
      await sendBad({ key: 'same-partition', value: Buffer.alloc(600_000, 0x5b) });
      await sendGood(50);

      // Null-valued headers, on a refused message and on good ones (kafkajs cannot produce these: Kafka's Java producer does).
      const consoleRecords: ConsoleRecord[] = [
        { key: 'null-header', value: '{"not":"an event"', headers: { h1: null, h2: 'x' } },
        ...Array.from({ length: 5 }, (): ConsoleRecord => {
          const event = goodEvent();
          good.add(event.event_id);
          return { key: event.session_id, value: JSON.stringify(event), headers: { 'trace-id': null, 'event-type': 'page_view' } };
        }),
      ];
      bad += 1;
      await produceWithConsoleProducer(pipeline.brokers.join(','), pipeline.topic, consoleRecords);

      // Seeded fuzz: random bytes, random headers, random nesting depth, sizes up to the topic's limit.
      const random = seeded(1234);
      for (let round = 0; round < fuzzRounds; round++) {
        const headers: Record<string, string | Buffer> = {};
        for (let h = random.int(0, 4); h > 0; h--) {
          headers[`fz-${random.int(0, 999)}`] = random.next() < 0.5 ? 'v'.repeat(random.int(0, 300)) : Buffer.from(Array.from({ length: random.int(0, 64) }, () => random.int(0, 255)));
        }
        const kind = random.int(0, 4);
        if (kind === 0) {
          await sendBad({ key: `fz${round}`, value: Buffer.from(Array.from({ length: random.int(0, 4_000) }, () => random.int(0, 255))), headers });
        } else if (kind === 1) {
          await sendBad({ key: `fz${round}`, value: withDeepExtraField(goodEvent(), random.int(40, 20_000)), headers });
        } else if (kind === 2) {
          // Harmless nesting (the event, level 1, plus up to 30 levels): stored like any good event.
          const event = goodEvent();
          good.add(event.event_id);
          await producer.send({ topic: pipeline.topic, acks: -1, messages: [{ key: event.session_id, value: withDeepExtraField(event, random.int(1, 30)), headers }] });
        } else if (kind === 3) {
          const size = random.next() < 0.3 ? random.int(100_000, EVENTS_MAX_MESSAGE_BYTES - 4_096) : random.int(1, 10_000);
          await sendBad({ key: `fz${round}`, value: Buffer.alloc(size, random.int(32, 126)), headers });
        } else {
          await sendGood(random.int(1, 20), headers as Message['headers']);
        }
      }
      await sendGood(50);
    } finally {
      await producer.disconnect();
    }

    // The DLQ is at-least-once (a chunk replayed after a rebalance sends its dead letters again): count distinct sources.
    const source = (m: KafkaMessage) => `${header(m, 'dlq-source-partition')}@${header(m, 'dlq-source-offset')}`;
    const dlqSize = async () => (await pipeline.topicOffsets(pipeline.dlqTopic)).reduce((sum, p) => sum + Number(p.high), 0);
    let dlq: KafkaMessage[] = [];
    await waitFor('every bad message in the DLQ', async () => {
      dlq = await pipeline.readTopic(pipeline.dlqTopic, Math.max(bad, await dlqSize()), 120_000);
      return new Set(dlq.map(source)).size >= bad;
    }, { timeoutMs: 180_000, intervalMs: 2_000 });
    const stored = await waitFor(
      'every good event in Parquet',
      async () => {
        const ids = await pipeline.storedEventIds();
        return ids.length >= good.size ? ids : null;
      },
      { timeoutMs: 90_000 },
    );
    // Health is sampled every 0.5 s from start to here: a fast run may be over within a few samples, so it keeps being
    // watched (the processor must stay healthy after the poison too) until there are enough to mean something.
    await waitFor('health sampled at least 6 times', async () => healthStatuses.length > 5, { timeoutMs: 30_000 });
    watching = false;
    await watcher;

    expect(stored).toHaveLength(good.size);
    expect(new Set(stored)).toEqual(good);
    expect(new Set(dlq.map(source)).size).toBe(bad);
    for (const message of dlq) {
      expect(header(message, 'dlq-reason')).toMatch(/^(invalid_utf8|invalid_json|not_an_object|unknown_event_type|schema_violation)$/);
      expect(JSON.parse(header(message, 'dlq-details') ?? '[]').length).toBeGreaterThan(0);
    }
    const byKey = (key: string) => dlq.filter((m) => m.key?.toString() === key);
    expect(header(byKey('deep')[0], 'dlq-details')).toMatch(/too_deep: \$\.extra\.a.* nests deeper than 32 levels/);
    expect(header(byKey('quantity')[0], 'dlq-details')).toContain('quantity must be an integer number');
    expect(byKey('large')[0].value?.length).toBe(EVENTS_MAX_MESSAGE_BYTES - 2_048); // the whole original, not cut
    expect(new Set(byKey('same-partition').map(source)).size).toBe(2);
    expect(byKey('null-header')[0].headers).toMatchObject({ h2: Buffer.from('x') });
    expect(header(byKey('null-header')[0], 'dlq-dropped-headers')).toBe('h1');

    expect(healthStatuses.length).toBeGreaterThan(5);
    if (healthFailures.length > 0) console.error(`${healthFailures.join('\n')}\n--- processor ---\n${pipeline.logs('processor').slice(-20_000)}`);
    expect(healthStatuses.filter((s) => s !== 200)).toEqual([]);
    const logs = pipeline.logs('processor');
    expect(logs).not.toMatch(/Crash|crashed|restarting it/);
    // On S3 the processor's machine keeps nothing: no local dead letters, no temp files.
    if (storage === 's3') expect(pipeline.localFiles()).toEqual([]);
  });
});
