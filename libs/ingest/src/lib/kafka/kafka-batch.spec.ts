import type { KafkaBatchMessage } from '@pipeline/kafka';
import { DLQ_HEADERS } from '../dead-letter';
import { fromKafka, poisonDeadLetter } from './kafka-batch';

function payload(state: { running?: boolean; stale?: boolean; current?: boolean } = {}) {
  const calls: string[] = [];
  const messages = [40, 41, 42].map((o) => ({ offset: String(o), key: null, value: Buffer.from('{}'), timestamp: '0', attributes: 0, headers: {} }));
  const message = {
    batch: { topic: 't', partition: 2, highWatermark: '50', messages, firstOffset: () => '40' },
    isRunning: () => state.running ?? true,
    isStale: () => state.stale ?? false,
    isCurrentGeneration: () => state.current ?? true,
    commitOffsetsIfNecessary: async (offsets: unknown) => void calls.push(`commit ${JSON.stringify(offsets)}`),
    resolveOffset: (offset: string) => void calls.push(`resolve ${offset}`),
    heartbeat: async () => void calls.push('heartbeat'),
  };
  return { message: message as unknown as KafkaBatchMessage, calls, messages };
}

describe('fromKafka', () => {
  it('gives the batch as it is and commits the next offset, then resolves the last one', async () => {
    const { message, calls, messages } = payload();
    const [batch, control] = fromKafka(message);
    expect(batch).toEqual({ topic: 't', partition: 2, firstOffset: '40', lastOffset: '42', highWatermark: '50', messages });
    expect(batch.messages).toBe(messages);
    await control.commit('43');
    await control.heartbeat();
    expect(calls).toEqual(['commit {"topics":[{"topic":"t","partitions":[{"partition":2,"offset":"43"}]}]}', 'resolve 42', 'heartbeat']);
  });

  it('is current only while running, not stale and in the generation it was fetched in', () => {
    expect(fromKafka(payload().message)[1].isCurrent()).toBe(true);
    expect(fromKafka(payload({ running: false }).message)[1].isCurrent()).toBe(false);
    expect(fromKafka(payload({ stale: true }).message)[1].isCurrent()).toBe(false);
    expect(fromKafka(payload({ current: false }).message)[1].isCurrent()).toBe(false);
  });
});

describe('poisonDeadLetter', () => {
  it('keeps the message as it was and says where it came from and why it failed', () => {
    const { message, messages } = payload();
    const poison = messages[1];
    const record = poisonDeadLetter({ batch: message, message: poison, error: 'TypeError: boom' }, new Date('2026-01-02T03:04:05Z'));
    expect(record.value).toBe(poison.value);
    expect(record.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'processing_error',
      [DLQ_HEADERS.details]: '["TypeError: boom"]',
      [DLQ_HEADERS.sourceTopic]: 't',
      [DLQ_HEADERS.sourcePartition]: '2',
      [DLQ_HEADERS.sourceOffset]: '41',
      [DLQ_HEADERS.failedAt]: '2026-01-02T03:04:05.000Z',
    });
  });
});
