import type { GeneratedMessage } from './faults';
import { GeneratorRunner, MAX_BATCH_BYTES, messageBytes, type GeneratorRunnerOptions, type Sleep } from './generator-runner';
import { RatePacer, type Rate } from './rate-pacer';
import { ClickstreamSimulation, type MessageSource } from './simulation';

/** A fake clock with timers: sleeps resolve only when the test advances time (or the sleep is aborted). */
class FakeTime {
  now = 1_000_000;
  readonly sleeps: number[] = [];
  private timers: Array<{ at: number; resolve: () => void }> = [];

  readonly clock = () => this.now;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise((resolve) => {
      this.sleeps.push(ms);
      const timer = { at: this.now + ms, resolve };
      this.timers.push(timer);
      signal.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      });
    });

  /** Moves time forward, firing due timers in order and letting the runner react to each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await flush();
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.now = Math.max(this.now, next.at);
      next.resolve();
    }
    this.now = end;
    await flush();
  }
}

async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A source that counts how often it was asked for a message. */
function countingSource(): MessageSource & { calls: number } {
  const source = {
    calls: 0,
    next(): GeneratedMessage {
      source.calls++;
      return { key: `k${source.calls}`, value: Buffer.from('{}'), headers: {}, eventType: 'page_view', fault: null };
    },
  };
  return source;
}

interface Harness {
  time: FakeTime;
  runner: GeneratorRunner;
  source: MessageSource & { calls: number };
  /** Each publish: when (fake clock) and how big. */
  published: Array<{ at: number; size: number }>;
}

function harness(rate: Rate, options: Partial<GeneratorRunnerOptions> = {}): Harness {
  const time = new FakeTime();
  const source = countingSource();
  const published: Array<{ at: number; size: number }> = [];
  const runner = new GeneratorRunner({
    source,
    pacer: new RatePacer(rate, { clock: time.clock }),
    publish: async (batch) => {
      published.push({ at: time.now, size: batch.length });
    },
    sleep: time.sleep,
    ...options,
  });
  return { time, runner, source, published };
}

describe('GeneratorRunner', () => {
  it('stops at count, in batches of at most maxBatchSize', async () => {
    const { runner, published } = harness('max', { count: 1_234, maxBatchSize: 500 });
    await runner.start();
    expect(published.map((p) => p.size)).toEqual([500, 500, 234]);
    expect(runner.stats()).toMatchObject({ produced: 1_234, published: 1_234, stopReason: 'count', running: false });
  });

  it('also ends a batch at maxBatchBytes (key, value and header bytes), and loses or repeats no message', async () => {
    // Each counting-source message: key "k1".."k999" + value "{}" (4-6 bytes), no headers.
    const { runner, published, source } = harness('max', { count: 2_000, maxBatchSize: 1_000, maxBatchBytes: 1_000 });
    await runner.start();
    const sizes = published.map((p) => p.size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2_000);
    expect(source.calls).toBe(2_000);
    expect(Math.max(...sizes)).toBeLessThan(1_000);
    // k1..k9 are 4 bytes with the value (36), k10..k99 5 (450), k100.. 6: the first batch closes at the message
    // that reaches 1,000 bytes.
    expect(sizes[0]).toBe(9 + 90 + Math.ceil((1_000 - 36 - 450) / 6));
    expect(runner.stats()).toMatchObject({ produced: 2_000, published: 2_000 });
  });

  it('keeps a batch of real events under MAX_BATCH_BYTES by default, whatever maxBatchSize allows', async () => {
    const simulation = new ClickstreamSimulation({ seed: 3, startTime: Date.parse('2026-11-27T08:00:00Z') });
    const batches: GeneratedMessage[][] = [];
    const runner = new GeneratorRunner({
      source: simulation,
      pacer: new RatePacer('max'),
      publish: async (batch) => void batches.push(batch),
      count: 10_000,
      maxBatchSize: 10_000,
    });
    await runner.start();
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThan(MAX_BATCH_BYTES + 2_000);
    expect(batches.flat()).toHaveLength(10_000);
  });

  it('emits each event on time at 1/s, sleeping until it is due instead of polling', async () => {
    const { time, runner, published } = harness(1, { count: 5 });
    const t0 = time.now;
    const done = runner.start();
    await time.advance(5_000);
    await done;
    expect(published).toEqual([1, 2, 3, 4, 5].map((s) => ({ at: t0 + s * 1_000, size: 1 })));
    expect(time.sleeps).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
  });

  it('stops after durationMs having sent rate * duration messages', async () => {
    const { time, runner, published } = harness(100, { durationMs: 2_000 });
    const done = runner.start();
    await time.advance(2_500);
    await done;
    expect(published.reduce((n, p) => n + p.size, 0)).toBe(200);
    expect(runner.stats().stopReason).toBe('duration');
    expect(Math.max(...published.map((p) => p.at))).toBeLessThanOrEqual(time.now);
  });

  it('applies back-pressure: one batch in flight, at most one more made while it is, nothing more while the sink is busy', async () => {
    const time = new FakeTime();
    const source = countingSource();
    let inFlight = 0;
    let maxInFlight = 0;
    const pending: Array<() => void> = [];
    const runner = new GeneratorRunner({
      source,
      pacer: new RatePacer(10_000, { clock: time.clock }),
      publish: (batch) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        expect(batch.length).toBeLessThanOrEqual(500);
        return new Promise<void>((resolve) => pending.push(() => (inFlight--, resolve())));
      },
      sleep: time.sleep,
      maxBatchSize: 500,
    });
    void runner.start();
    await time.advance(1); // the first 10 are due after 1 ms and go out as one batch
    expect(source.calls).toBe(10);
    await time.advance(60_000); // the sink is stuck for a minute at 10,000/s
    expect(source.calls).toBe(10);
    expect(runner.stats()).toMatchObject({ produced: 10, published: 0 });
    pending.shift()?.();
    await flush();
    // After the stall the next batch is capped at maxBatchSize, not 600,000 messages built in memory; one more
    // (already due) is made while it is in flight, and nothing beyond that.
    expect(source.calls).toBe(1010);
    expect(pending).toHaveLength(1);
    await time.advance(60_000);
    expect(source.calls).toBe(1010);
    const stopped = runner.stop();
    pending.shift()?.();
    await flush();
    // The batch made ahead is sent, not dropped: stop() waits for it too.
    expect(pending).toHaveLength(1);
    pending.shift()?.();
    await stopped;
    expect(maxInFlight).toBe(1);
    expect(runner.stats()).toMatchObject({ produced: 1010, published: 1010, failed: 0, stopReason: 'stopped' });
  });

  it('stop() resolves only after the in-flight batch and the one made ahead are published', async () => {
    const time = new FakeTime();
    let release: () => void = () => undefined;
    const sent: number[] = [];
    const runner = new GeneratorRunner({
      source: countingSource(),
      pacer: new RatePacer('max', { clock: time.clock }),
      publish: (batch) => (sent.push(batch.length), new Promise<void>((resolve) => (release = resolve))),
      sleep: time.sleep,
    });
    void runner.start();
    await flush();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(runner.running).toBe(true);
    expect(runner.stats()).toMatchObject({ produced: 1000, published: 0 });
    release();
    await flush();
    expect(stopped).toBe(false);
    expect(sent).toEqual([500, 500]);
    release();
    await stopping;
    expect(runner.stats()).toMatchObject({ running: false, produced: 1000, published: 1000, stopReason: 'stopped' });
  });

  it('changes rate at runtime at once and without a burst', async () => {
    const { time, runner, published } = harness(1);
    void runner.start();
    await time.advance(2_500);
    expect(published.map((p) => p.size)).toEqual([1, 1]);
    runner.setRate(100); // wakes the 1 s sleep instead of waiting it out
    await time.advance(1_000);
    const after = published.slice(2);
    expect(after.reduce((n, p) => n + p.size, 0)).toBe(100);
    expect(Math.max(...after.map((p) => p.size))).toBe(1);
    expect(runner.stats().rate).toBe(100);
    const stopped = runner.stop();
    await time.advance(0);
    await stopped;
  });

  it('counts publish errors, backs off and carries on', async () => {
    const time = new FakeTime();
    const errors: unknown[] = [];
    let calls = 0;
    const runner = new GeneratorRunner({
      source: countingSource(),
      pacer: new RatePacer('max', { clock: time.clock }),
      publish: async () => {
        if (++calls <= 2) throw new Error('broker down');
      },
      sleep: time.sleep,
      count: 2_000,
      onPublishError: (error) => errors.push(error),
    });
    const done = runner.start();
    await time.advance(1_000);
    await done;
    expect(errors).toHaveLength(2);
    expect(time.sleeps).toEqual([100, 200]); // exponential backoff, not a hot retry loop
    expect(runner.stats()).toMatchObject({ produced: 2_000, published: 1_000, failed: 1_000, publishErrors: 2, lastError: 'broker down' });
  });

  it('keeps stats by event type and fault kind that match the stream', async () => {
    const options = { seed: 12, startTime: Date.parse('2026-11-27T00:00:00Z'), badRatio: 0.2 };
    const runner = new GeneratorRunner({
      source: new ClickstreamSimulation(options),
      pacer: new RatePacer('max'),
      publish: async () => undefined,
      count: 3_000,
    });
    await runner.start();
    const expected = new ClickstreamSimulation(options).take(3_000);
    const byType: Record<string, number> = {};
    const byFault: Record<string, number> = {};
    for (const m of expected) {
      if (m.eventType !== null) byType[m.eventType] = (byType[m.eventType] ?? 0) + 1;
      if (m.fault) byFault[m.fault] = (byFault[m.fault] ?? 0) + 1;
    }
    const stats = runner.stats();
    expect(stats.byEventType).toEqual(byType);
    expect(stats.faultsByKind).toEqual(byFault);
    expect(stats.unparseable).toBe(expected.filter((m) => m.eventType === null).length);
    expect(stats.startedAt).not.toBeNull();
    expect(stats.stoppedAt).toBeGreaterThanOrEqual(stats.startedAt ?? Infinity);
  });

  it("does not starve timers at 'max' with a synchronous sink, and stops promptly at low rates", async () => {
    const fast = new GeneratorRunner({ source: countingSource(), pacer: new RatePacer('max'), publish: async () => undefined });
    void fast.start();
    await new Promise((resolve) => setTimeout(resolve, 20)); // would never fire if the loop hogged the event loop
    await fast.stop();
    expect(fast.stats().produced).toBeGreaterThan(0);

    const slow = new GeneratorRunner({ source: countingSource(), pacer: new RatePacer(1), publish: async () => undefined });
    void slow.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Date.now();
    await slow.stop(); // wakes the 1 s sleep
    expect(Date.now() - before).toBeLessThan(900); // well under the 1 s sleep it interrupts, with room for a loaded CI
  });

  it('refuses a second start while running, and bad limits', async () => {
    const { runner } = harness(1);
    const first = runner.start();
    await expect(runner.start()).rejects.toThrow(/already running/);
    await runner.stop();
    await first;
    const pacer = new RatePacer(1);
    const publish = async () => undefined;
    expect(() => new GeneratorRunner({ source: countingSource(), pacer, publish, count: -1 })).toThrow(/count/);
    expect(() => new GeneratorRunner({ source: countingSource(), pacer, publish, maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => new GeneratorRunner({ source: countingSource(), pacer, publish, durationMs: Number.NaN })).toThrow(/durationMs/);
  });
});
