import type { Admin } from 'kafkajs';
import { CommitProgress } from './consumer-progress';
import { ConsumerGroupLag } from './consumer-group-lag';

/** The three admin calls a lag reading makes, answering from `state` (a hand-built stand-in, not a broker). */
function fakeAdmin(state: { failWith?: string; committed?: string }) {
  const calls: string[] = [];
  const admin = {
    connect: async () => void calls.push('connect'),
    disconnect: async () => void calls.push('disconnect'),
    fetchTopicOffsets: async () => {
      if (state.failWith) throw new Error(state.failWith);
      return [{ partition: 0, offset: '10', high: '10', low: '0' }];
    },
    fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: state.committed ?? '-1', metadata: null }] }],
  };
  return { admin: admin as unknown as Admin, calls };
}

function lagOf(state: { failWith?: string; committed?: string }) {
  const { admin, calls } = fakeAdmin(state);
  const lines: string[] = [];
  const progress = new CommitProgress(60_000);
  const seen: number[] = [];
  const lag = new ConsumerGroupLag({
    admin,
    groupId: 'g',
    topic: 't',
    progress,
    onSamples: (samples) => seen.push(...samples.map((s) => s.lag)),
    logger: { warn: (m) => void lines.push(`warn ${m}`), debug: (m) => void lines.push(`debug ${m}`) },
  });
  return { lag, calls, lines, seen, progress };
}

describe('ConsumerGroupLag', () => {
  it('connects before its first reading and reports the lag from the log start while nothing is committed', async () => {
    const { lag, calls, seen } = lagOf({});
    expect(await lag.poll()).toEqual([{ topic: 't', partition: 0, highWatermark: '10', committed: null, lag: 10 }]);
    expect(calls).toEqual(['connect']);
    expect(seen).toEqual([10]);
  });

  it('tells the commit progress what it read, so a commit seen in the group counts as progress', async () => {
    const state: { committed?: string } = { committed: '4' };
    const { lag, progress } = lagOf(state);
    await lag.poll();
    expect(progress.lastCommitAtMs).toBeNull();
    state.committed = '7';
    await lag.poll();
    expect(progress.lastCommitAtMs).not.toBeNull();
  });

  it('only logs at debug level until its first reading, then warns once per new failure and reconnects', async () => {
    const state: { failWith?: string } = { failWith: 'There is no leader for this topic-partition' };
    const { lag, calls, lines } = lagOf(state);
    expect(await lag.poll()).toBeNull();
    state.failWith = undefined;
    await lag.poll();
    state.failWith = 'Connection error';
    await lag.poll();
    await lag.poll();
    expect(lines).toEqual(['debug Cannot read the group\'s lag yet: There is no leader for this topic-partition', 'warn Cannot read the group\'s lag: Connection error']);
    expect(calls).toEqual(['connect', 'disconnect', 'connect', 'disconnect', 'connect', 'disconnect']);
  });

  it('polls at once on start and again after each interval until stopped, then disconnects', async () => {
    jest.useFakeTimers();
    try {
      const { lag, calls, seen } = lagOf({});
      lag.start(1_000);
      await jest.advanceTimersByTimeAsync(0);
      expect(seen).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(seen).toHaveLength(3);
      await lag.stop();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(seen).toHaveLength(3);
      expect(calls).toEqual(['connect', 'disconnect']);
    } finally {
      jest.useRealTimers();
    }
  });
});
