import type { KafkaMessage } from 'kafkajs';
import { BatchHandlerError, BatchServerKafka, isGenerationLost, type KafkaBatchMessage, type PoisonMessage } from './batch-server-kafka';

const message = (offset: number, value: string): KafkaMessage =>
  ({ offset: String(offset), value: Buffer.from(value), key: null, headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

class FakeBatch {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly messages: KafkaMessage[],
  ) {}
  highWatermark = '100';
  firstOffset() {
    return this.messages[0]?.offset ?? null;
  }
}

function harness(failWith: (messages: KafkaMessage[]) => Error | null) {
  const server = new BatchServerKafka({ client: { brokers: ['127.0.0.1:1'] } }, { topics: ['t'], pattern: 'batch', poisonPattern: 'poison', maxAttempts: 3 });
  const stored: string[] = [];
  const poisoned: string[] = [];
  const commits: string[] = [];
  server.addHandler('batch', async (payload: KafkaBatchMessage) => {
    const error = failWith(payload.batch.messages);
    if (error) throw error;
    stored.push(...payload.batch.messages.map((m) => m.offset));
    await payload.commitOffsetsIfNecessary({ topics: [{ topic: 't', partitions: [{ partition: 0, offset: String(Number(payload.batch.messages.at(-1)?.offset) + 1) }] }] });
  }, true);
  server.addHandler('poison', async (poison: PoisonMessage) => void poisoned.push(`${poison.message.offset}: ${poison.error}`), true);
  (server as unknown as { producer: object }).producer = {};
  const payload = (messages: KafkaMessage[]) => ({
    batch: new FakeBatch('t', 0, messages),
    isRunning: () => true,
    isStale: () => false,
    heartbeat: async () => undefined,
    resolveOffset: () => undefined,
    commitOffsetsIfNecessary: async (offsets: { topics: { partitions: { offset: string }[] }[] }) => void commits.push(offsets.topics[0].partitions[0].offset),
  });
  const handle = (messages: KafkaMessage[]) => (server as unknown as { handleBatch(p: unknown): Promise<void> }).handleBatch(payload(messages));
  return { handle, stored, poisoned, commits };
}

describe('BatchServerKafka poison isolation', () => {
  const batch = Array.from({ length: 8 }, (_, i) => message(10 + i, i === 5 ? 'poison' : 'ok'));

  it('retries a failing batch, then isolates the one failing message, dead-letters it and commits past it', async () => {
    const { handle, stored, poisoned, commits } = harness((messages) =>
      messages.some((m) => m.value?.toString() === 'poison') ? new TypeError("Cannot read properties of undefined (reading 'x')") : null,
    );
    // kafkajs stops the consumer for good on a TypeError: it must see a retriable error instead.
    await expect(handle(batch)).rejects.toBeInstanceOf(BatchHandlerError);
    await expect(handle(batch)).rejects.toBeInstanceOf(BatchHandlerError);
    await handle(batch);
    expect(stored).toEqual(['10', '11', '12', '13', '14', '16', '17']);
    expect(poisoned).toEqual(["15: TypeError: Cannot read properties of undefined (reading 'x')"]);
    expect(commits.at(-1)).toBe('18');
    expect(commits).toContain('16');
  });

  it('never dead-letters data for a storage or Kafka error: those are retried as they are', async () => {
    const diskFull = Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
    const { handle, stored, poisoned } = harness(() => diskFull);
    for (let attempt = 0; attempt < 5; attempt++) await expect(handle(batch)).rejects.toBe(diskFull);
    expect(stored).toEqual([]);
    expect(poisoned).toEqual([]);
  });
});

describe('BatchServerKafka with batches in flight together', () => {
  function concurrentHarness() {
    const server = new BatchServerKafka({ client: { brokers: ['127.0.0.1:1'] } }, { topics: ['t'], pattern: 'batch' });
    (server as unknown as { producer: object }).producer = {};
    const handlers = new Map<number, (payload: KafkaBatchMessage) => Promise<void>>();
    server.addHandler('batch', (payload: KafkaBatchMessage) => handlers.get(payload.batch.partition)!(payload), true);
    const payload = (partition: number) => ({
      batch: new FakeBatch('t', partition, [message(0, 'ok')]),
      isRunning: () => true,
      isStale: () => false,
      heartbeat: async () => undefined,
      resolveOffset: () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
    });
    const handle = (partition: number) => (server as unknown as { handleBatch(p: unknown): Promise<void> }).handleBatch(payload(partition));
    return { handlers, handle };
  }

  function laterBatch(handlers: Map<number, (payload: KafkaBatchMessage) => Promise<void>>, partition: number) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const seen: boolean[] = [];
    handlers.set(partition, async (payload) => {
      seen.push(payload.isCurrentGeneration());
      await released;
      seen.push(payload.isCurrentGeneration());
    });
    return { release, seen };
  }

  it('a batch refused for its generation makes the other batch in flight stale before its next write', async () => {
    const { handlers, handle } = concurrentHarness();
    const other = laterBatch(handlers, 1);
    handlers.set(0, async () => {
      throw Object.assign(new Error('The provided generation id is not the current generation'), { name: 'KafkaJSProtocolError', type: 'ILLEGAL_GENERATION' });
    });
    const inFlight = handle(1);
    await expect(handle(0)).rejects.toMatchObject({ type: 'ILLEGAL_GENERATION' });
    other.release();
    await inFlight;
    expect(other.seen).toEqual([true, false]);
    // A batch handed out after it (the member rejoined) is current again.
    const next = laterBatch(handlers, 2);
    next.release();
    await handle(2);
    expect(next.seen).toEqual([true, true]);
  });

  it('a batch failing for any other reason leaves the others current', async () => {
    const { handlers, handle } = concurrentHarness();
    const other = laterBatch(handlers, 1);
    handlers.set(0, async () => {
      throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
    });
    const inFlight = handle(1);
    await expect(handle(0)).rejects.toMatchObject({ code: 'ENOSPC' });
    other.release();
    await inFlight;
    expect(other.seen).toEqual([true, true]);
  });
});

describe('isGenerationLost', () => {
  it('is true for the group answers that end a generation and for a fenced writer, false for the rest', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']) {
      expect(isGenerationLost(Object.assign(new Error(type), { type }))).toBe(true);
    }
    expect(isGenerationLost(Object.assign(new Error('fenced'), { name: 'StaleWriterError' }))).toBe(true);
    expect(isGenerationLost(Object.assign(new Error('leader moved'), { type: 'NOT_LEADER_OR_FOLLOWER' }))).toBe(false);
    expect(isGenerationLost(new TypeError('x'))).toBe(false);
    expect(isGenerationLost('REBALANCE_IN_PROGRESS')).toBe(false);
  });
});
