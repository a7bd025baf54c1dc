import { nextRollupDelayMs, ROLLUP_DUTY_FACTOR } from './ingest-pipeline';

describe('nextRollupDelayMs', () => {
  it('keeps the configured interval while rollups are quick', () => {
    expect(nextRollupDelayMs(5_000, 40)).toBe(5_000);
  });

  it('waits ROLLUP_DUTY_FACTOR times a slow rollup, so rollups stay a bounded share of the time', () => {
    expect(nextRollupDelayMs(5_000, 1_200)).toBe(1_200 * ROLLUP_DUTY_FACTOR);
    const busy = 1_200;
    expect(busy / (busy + nextRollupDelayMs(5_000, busy))).toBeLessThanOrEqual(1 / ROLLUP_DUTY_FACTOR);
  });
});
