import { CommitProgress } from './consumer-progress';

const sample = (partition: number, committed: string | null, lag: number) => ({ topic: 't', partition, highWatermark: '100', committed, lag });

describe('CommitProgress', () => {
  it('reports an assigned partition with lag whose committed offset has not moved for the stall timeout', () => {
    let now = 0;
    const progress = new CommitProgress(10_000, () => now);
    progress.assigned({ t: [0, 1] });
    progress.observe([sample(0, '5', 95), sample(1, '100', 0), sample(2, '7', 93)]);
    now = 9_000;
    expect(progress.stalled()).toEqual([]);
    now = 10_000;
    // Partition 1 has no lag; partition 2 is not ours.
    expect(progress.stalled()).toEqual([{ topic: 't', partition: 0, lag: 95, stalledForMs: 10_000 }]);
    progress.observe([sample(0, '6', 94)]);
    expect(progress.stalled()).toEqual([]);
    expect(progress.lastCommitAtMs).toBe(10_000);
  });

  it('starts the clock of a newly assigned partition at its assignment', () => {
    let now = 0;
    const progress = new CommitProgress(10_000, () => now);
    progress.observe([sample(2, '7', 93)]);
    now = 60_000;
    progress.assigned({ t: [2] });
    now = 65_000;
    expect(progress.stalled()).toEqual([]);
    now = 70_000;
    expect(progress.stalled()).toHaveLength(1);
  });

  it('counts our own commits as progress at once', () => {
    let now = 0;
    const progress = new CommitProgress(10_000, () => now);
    progress.assigned({ t: [0] });
    progress.observe([sample(0, '5', 95)]);
    now = 20_000;
    progress.committedNow('t', 0, '50');
    expect(progress.stalled()).toEqual([]);
    expect(progress.lastCommitAtMs).toBe(20_000);
  });
});
