import { isValidRate, RatePacer } from './rate-pacer';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Takes everything due at each tick and returns how many were taken per tick. */
function drain(pacer: RatePacer, clock: ReturnType<typeof fakeClock>, ticks: number, tickMs: number): number[] {
  const taken: number[] = [];
  for (let i = 0; i < ticks; i++) {
    clock.advance(tickMs);
    const due = pacer.due();
    pacer.take(due);
    taken.push(due);
  }
  return taken;
}

describe('RatePacer', () => {
  it('makes floor(rate * elapsed) messages due, counted from the start', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(100, { clock: clock.now });
    expect(pacer.due()).toBe(0);
    clock.advance(9);
    expect(pacer.due()).toBe(0);
    clock.advance(1);
    expect(pacer.due()).toBe(1);
    clock.advance(990);
    expect(pacer.due()).toBe(100);
    pacer.take(60);
    expect(pacer.due()).toBe(40);
  });

  it('keeps a steady pace without drift: odd tick lengths still give exactly rate * time', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(1_000, { clock: clock.now });
    const taken = drain(pacer, clock, 11_200, 0.625); // 7 s in ticks that do not divide 1 ms
    expect(taken.reduce((a, b) => a + b, 0)).toBe(7_000);
    expect(Math.max(...taken)).toBe(1); // never a burst
  });

  it('spreads messages evenly: per-second counts are flat', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(333, { clock: clock.now });
    const perTick = drain(pacer, clock, 10_000, 1);
    const perSecond = Array.from({ length: 10 }, (_, s) => perTick.slice(s * 1000, (s + 1) * 1000).reduce((a, b) => a + b, 0));
    for (const n of perSecond) expect([333, 334]).toContain(n);
  });

  it('re-anchors on a rate change without a burst', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(10, { clock: clock.now });
    clock.advance(500);
    expect(pacer.due()).toBe(5); // 5 owed at the old rate, not taken
    pacer.setRate(1_000);
    expect(pacer.due()).toBe(0); // the backlog is not dumped at the new rate
    clock.advance(10);
    expect(pacer.due()).toBe(10);
    pacer.take(10);
    pacer.setRate(2);
    clock.advance(499);
    expect(pacer.due()).toBe(0);
    clock.advance(1);
    expect(pacer.due()).toBe(1);
    expect(pacer.rate).toBe(2);
  });

  it('forgives debt beyond maxCatchUpMs after a stall', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(1_000, { clock: clock.now, maxCatchUpMs: 200 });
    clock.advance(10_000); // the sink stalled for 10 s
    expect(pacer.due()).toBe(200);
    pacer.take(200);
    expect(pacer.due()).toBe(0);
    clock.advance(5);
    expect(pacer.due()).toBe(5); // back to the normal pace
  });

  it("is unpaced at 'max'", () => {
    const clock = fakeClock();
    const pacer = new RatePacer('max', { clock: clock.now });
    expect(pacer.due()).toBe(Number.POSITIVE_INFINITY);
    expect(pacer.msUntilNext()).toBe(0);
  });

  it('says how long until the next message is due', () => {
    const clock = fakeClock();
    const pacer = new RatePacer(1, { clock: clock.now });
    expect(pacer.msUntilNext()).toBe(1_000);
    clock.advance(400);
    expect(pacer.msUntilNext()).toBe(600);
    clock.advance(600);
    expect(pacer.msUntilNext()).toBe(0);
    pacer.take(1);
    expect(pacer.msUntilNext()).toBe(1_000);
    const fast = new RatePacer(3, { clock: clock.now });
    expect(fast.msUntilNext()).toBe(334);
    clock.advance(334);
    expect(fast.due()).toBe(1);
  });

  it('validates the rate', () => {
    expect(() => new RatePacer(0)).toThrow(/rate/);
    expect(() => new RatePacer(1_000_001)).toThrow(/rate/);
    expect(() => new RatePacer(Number.NaN)).toThrow(/rate/);
    expect(() => new RatePacer(5).setRate(-1)).toThrow(/rate/);
    expect([1, 1_000_000, 2.5, 'max'].every(isValidRate)).toBe(true);
    expect(['fast', 0.5, Infinity].some(isValidRate)).toBe(false);
  });
});
