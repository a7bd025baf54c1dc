import { untilReachable } from './until-reachable';

describe('untilReachable', () => {
  it('retries with doubling waits up to the cap, reports the first failure once, and returns the result', async () => {
    const waits: number[] = [];
    const events: string[] = [];
    let calls = 0;
    const result = await untilReachable(
      async () => {
        calls++;
        if (calls < 6) throw new Error(`refused ${calls}`);
        return 'topics ready';
      },
      {
        onFirstFailure: (reason) => events.push(`first: ${reason}`),
        onRetry: (attempt, reason) => events.push(`retry ${attempt}: ${reason}`),
        onRecovered: (failures) => events.push(`recovered after ${failures}`),
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(result).toBe('topics ready');
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(events).toEqual(['first: refused 1', 'retry 2: refused 2', 'retry 3: refused 3', 'retry 4: refused 4', 'retry 5: refused 5', 'recovered after 5']);
  });

  it('says nothing when the first attempt works', async () => {
    const onFirstFailure = jest.fn();
    await expect(untilReachable(async () => 1, { onFirstFailure })).resolves.toBe(1);
    expect(onFirstFailure).not.toHaveBeenCalled();
  });
});
