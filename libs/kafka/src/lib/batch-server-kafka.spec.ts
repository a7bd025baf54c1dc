import type { KafkaMessage } from 'kafkajs';
import { BatchHandlerError, BatchServerKafka, type KafkaBatchMessage, type PoisonMessage } from './batch-server-kafka';

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
