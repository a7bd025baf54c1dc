import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { cachedPartitioner } from './cached-partitioner';

function metadata(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

const keys = Array.from({ length: 500 }, (_, i) => `s-${i.toString(16).padStart(8, '0')}-4a1b-8c2d-${i}`);

describe('cachedPartitioner', () => {
  it('puts every key on the same partition as kafkajs DefaultPartitioner, asked once or many times', () => {
    for (const count of [1, 3, 7]) {
      const reference = Partitioners.DefaultPartitioner();
      const cached = cachedPartitioner()();
      const partitionMetadata = metadata(count, count > 1 ? [1] : []);
      for (let round = 0; round < 3; round++) {
        for (const key of keys) {
          const args: PartitionerArgs = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
          expect(cached(args)).toBe(reference(args));
        }
      }
    }
  });

  it('forgets its answers when the partition count changes, and when full', () => {
    const cached = cachedPartitioner(Partitioners.DefaultPartitioner, 10)();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [3, 6, 3]) {
      for (const key of keys) {
        const args: PartitionerArgs = { topic: 't', partitionMetadata: metadata(count), message: { key, value: 'v' } };
        expect(cached(args)).toBe(reference(args));
      }
    }
  });

  it('keeps explicit partitions and key-less messages with the wrapped partitioner', () => {
    const calls: PartitionerArgs[] = [];
    const cached = cachedPartitioner(() => (args) => (calls.push(args), 2))();
    const partitionMetadata = metadata(3);
    expect(cached({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: 0 } })).toBe(2);
    expect(cached({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } })).toBe(2);
    expect(cached({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } })).toBe(2);
    expect(cached({ topic: 't', partitionMetadata, message: { key: Buffer.from('k'), value: 'v' } })).toBe(2);
    expect(calls).toHaveLength(4);
    // A string key is asked once, then remembered.
    cached({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v' } });
    cached({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v' } });
    expect(calls).toHaveLength(5);
  });
});
