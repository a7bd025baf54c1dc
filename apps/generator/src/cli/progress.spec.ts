import type { GeneratorStats } from '@pipeline/simulation';
import { etaMs, formatProgress, formatSeconds, formatSummary, ProgressReporter } from './progress';

function stats(overrides: Partial<GeneratorStats> = {}): GeneratorStats {
  return {
    running: false,
    startedAt: 0,
    stoppedAt: 0,
    stopReason: 'count',
    rate: 'max',
    produced: 0,
    published: 0,
    failed: 0,
    byEventType: {},
    unparseable: 0,
    faultsByKind: {},
    publishErrors: 0,
    lastError: null,
    ...overrides,
  };
}

describe('formatProgress', () => {
  it('shows done/total, the rate since the previous line and the ETA from the average rate', () => {
    // 30,000 in 10 s overall (3,000/s average); 8,000 in the last 2 s (4,000/s recent); 70,000 left.
    const line = formatProgress({ produced: 30_000, elapsedMs: 10_000 }, { produced: 22_000, elapsedMs: 8_000 }, { count: 100_000 });
    expect(line).toBe('generated 30000/100000 (4000 ev/s, ETA 24s)');
  });

  it('has no total and no ETA when the run is open-ended', () => {
    expect(formatProgress({ produced: 500, elapsedMs: 4_000 }, { produced: 300, elapsedMs: 2_000 }, {})).toBe('generated 500 (100 ev/s)');
  });

  it('takes the ETA from --duration when that ends first', () => {
    const line = formatProgress({ produced: 200, elapsedMs: 2_000 }, { produced: 0, elapsedMs: 0 }, { count: 1_000_000, durationMs: 5_000 });
    expect(line).toBe('generated 200/1000000 (100 ev/s, ETA 3s)');
  });
});

describe('etaMs', () => {
  it('is null before anything was produced and there is no duration', () => {
    expect(etaMs({ produced: 0, elapsedMs: 2_000 }, { count: 10 })).toBeNull();
    expect(etaMs({ produced: 5, elapsedMs: 2_000 }, {})).toBeNull();
  });

  it('never goes below zero', () => {
    expect(etaMs({ produced: 12, elapsedMs: 2_000 }, { count: 10 })).toBe(0);
    expect(etaMs({ produced: 1, elapsedMs: 9_000 }, { durationMs: 5_000 })).toBe(0);
  });
});

describe('formatSeconds', () => {
  it('rounds up to whole seconds, and uses minutes from ten minutes on', () => {
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(1_001)).toBe('2s');
    expect(formatSeconds(599_000)).toBe('599s');
    expect(formatSeconds(545_000 + 60_000)).toBe('10m05s');
  });
});

describe('formatSummary', () => {
  it('gives count, time, rate, the mix by type (sorted) and the faults by kind', () => {
    const line = formatSummary(
      stats({
        produced: 1_000,
        published: 1_000,
        byEventType: { search: 100, page_view: 880, purchase: 10 },
        unparseable: 10,
        faultsByKind: { invalid_json: 6, invalid_utf8: 4, absurd_price: 2 },
      }),
      2_000,
    );
    expect(line).toBe(
      'done (count): 1000 messages in 2.0s (500 ev/s); page_view=880 purchase=10 search=100 unparseable=10; ' +
        'faults injected: 12 (absurd_price=2 invalid_json=6 invalid_utf8=4); sent 1000, failed 0',
    );
  });

  it('reports a stopped run with nothing produced', () => {
    expect(formatSummary(stats({ stopReason: 'stopped' }), 0)).toBe(
      'done (stopped): 0 messages in 0.0s (0 ev/s); no events; faults injected: 0; sent 0, failed 0',
    );
  });
});

describe('ProgressReporter', () => {
  it('writes one line per tick from the produced count and its own clock', () => {
    let now = 1_000;
    let produced = 0;
    const written: string[] = [];
    const reporter = new ProgressReporter(() => produced, (l) => written.push(l), { count: 600 }, () => now, 60_000);
    reporter.start();
    now += 2_000;
    produced = 200;
    reporter.tick();
    now += 2_000;
    produced = 300;
    reporter.tick();
    reporter.stop();
    expect(written).toEqual(['generated 200/600 (100 ev/s, ETA 4s)', 'generated 300/600 (50 ev/s, ETA 4s)']);
  });
});
