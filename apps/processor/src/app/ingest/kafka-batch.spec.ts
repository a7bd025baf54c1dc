import type { KafkaBatchMessage } from '@pipeline/kafka';
import { fromKafka } from './ingest.service';

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
