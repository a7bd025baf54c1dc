import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeEvent, HEADER_EVENT_TYPE, HEADER_SCHEMA_VERSION } from '@pipeline/events';
import { HEADER_INJECTED_FAULT, messageFingerprint, type GeneratedMessage, type MessageFingerprint } from '@pipeline/simulation';
import { batchSizeFromEnv, exitCodeForSignal, runGeneratorCli, type CliOptions } from './generator-cli';
import type { KafkaSinkSettings } from './kafka-sink';
import type { MessageSink } from './message-sink';

/** A stream that keeps what it is given; `delayMs` makes it a slow reader that exerts back-pressure. */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];

  constructor(
    private readonly delayMs = 0,
    highWaterMark = 16_384,
  ) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.delayMs > 0) setTimeout(done, this.delayMs);
    else done();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString('utf8');
  }
}

/** A reader that goes away after `acceptWrites` writes, as `| head` does. */
class ClosingPipe extends Writable {
  writes = 0;

  constructor(private readonly acceptWrites: number) {
    super();
  }

  override _write(_chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes++;
    if (this.writes <= this.acceptWrites) return done();
    done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  }
}

interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

async function runCli(argv: string[], options: CliOptions & { stdout?: Writable; env?: Record<string, string> } = {}): Promise<CliResult> {
  const stdout = options.stdout ?? new Collector();
  const stderr = new Collector();
  const code = await runGeneratorCli(argv, { stdout, stderr, env: options.env ?? {} }, options);
  return { code, stdout: stdout instanceof Collector ? stdout.bytes : Buffer.alloc(0), stderr: stderr.text };
}

function lines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    out.push(bytes.subarray(start, i));
    start = i + 1;
  }
  expect(start).toBe(bytes.length); // every line ends with "\n"
  return out;
}

const REPRODUCIBLE = ['--seed', '7', '--start-time', '2026-11-27T09:00:00Z', '--rate', 'max', '--dry-run'];

describe('runGeneratorCli: arguments', () => {
  it('without --seed picks a fresh seed per run and says which, so a run can be repeated', async () => {
    const runs = await Promise.all([1, 2].map(() => runCli(['--count', '5', '--rate', 'max', '--dry-run'])));
    const seeds = runs.map((r) => /^seed (\d+) \(--seed \1 repeats this stream\)$/m.exec(r.stderr)?.[1]);
    expect(seeds.every((s) => s !== undefined)).toBe(true);
    expect(seeds[0]).not.toBe(seeds[1]);
    const ids = runs.map((r) => lines(r.stdout).map((line) => JSON.parse(line.toString()).event_id as string));
    expect(ids[0].filter((id) => ids[1].includes(id))).toEqual([]);
  });

  it('prints the usage on stdout for --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('Usage: npm run generate -- [options]');
    expect(result.stdout.toString()).toContain('KAFKA_BROKERS');
    expect(result.stderr).toBe('');
  });

  it('prints the error and the usage on stderr for a bad argument and exits 2', async () => {
    const result = await runCli(['--count', 'lots', '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --count: expected an integer, got "lots"\n\nUsage:/);
    expect(result.stdout).toHaveLength(0);
  });

  it('refuses a bad GENERATOR_BATCH_SIZE before producing anything', async () => {
    const result = await runCli(['--count', '10', ...REPRODUCIBLE], { env: { GENERATOR_BATCH_SIZE: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('GENERATOR_BATCH_SIZE');
    expect(result.stdout).toHaveLength(0);
  });
});

describe('runGeneratorCli: --dry-run', () => {
  it('writes exactly --count NDJSON events, each a valid event of the contract, and a summary on stderr', async () => {
    const result = await runCli(['--count', '2000', ...REPRODUCIBLE]);
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map((line) => decodeEvent(line));
    expect(events).toHaveLength(2000);
    expect(events.every((e) => e.ok)).toBe(true);
    const types = new Set(events.map((e) => (e.ok ? e.event.event_type : null)));
    expect(types).toEqual(new Set(['page_view', 'search', 'add_to_cart', 'remove_from_cart', 'purchase']));
    expect(result.stderr).toMatch(/^done \(count\): 2000 messages in \d+\.\ds \(\d+ ev\/s\); add_to_cart=\d+ page_view=\d+ .*faults injected: 0; sent 2000, failed 0\n$/);
  });

  it('is byte-for-byte reproducible with the same seed and start time', async () => {
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const first = await runCli(['--count', '3000', ...REPRODUCIBLE]);
    const second = await runCli(['--count', '3000', ...REPRODUCIBLE]);
    const otherSeed = await runCli(['--count', '3000', ...REPRODUCIBLE, '--seed', '8']);
    expect(first.stdout.length).toBeGreaterThan(100_000);
    expect(sha(second.stdout)).toBe(sha(first.stdout));
    expect(sha(otherSeed.stdout)).not.toBe(sha(first.stdout));
  });

  it('writes injected faults as they are, still one message per line', async () => {
    const result = await runCli(['--count', '600', ...REPRODUCIBLE, '--bad-ratio', '1']);
    expect(result.code).toBe(0);
    const rejected = lines(result.stdout).map((line) => decodeEvent(line)).filter((d) => !d.ok);
    expect(rejected.length).toBeGreaterThan(300);
    const reasons = new Set(rejected.map((d) => (d.ok ? null : d.reason)));
    expect(reasons).toEqual(new Set(['invalid_json', 'invalid_utf8', 'schema_violation', 'unknown_event_type']));
    // A duplicate_event_id drawn before any clean event exists cannot apply; that message stays clean.
    const injected = Number(/faults injected: (\d+) \(absurd_price=\d+ /.exec(result.stderr)?.[1]);
    expect(injected).toBeGreaterThanOrEqual(590);
    expect(injected).toBeLessThanOrEqual(600);
  });

  it('waits for a slow reader (back-pressure) and loses nothing', async () => {
    const fast = await runCli(['--count', '1500', ...REPRODUCIBLE]);
    const slowReader = new Collector(1, 1_024);
    const slow = await runCli(['--count', '1500', ...REPRODUCIBLE], { stdout: slowReader });
    expect(slow.code).toBe(0);
    expect(slowReader.bytes.equals(fast.stdout)).toBe(true);
    // Each 500-line batch was one write that overflowed the 1 KiB buffer: the CLI waited for 'drain' each time.
    expect(slowReader.chunks).toHaveLength(3);
  });

  it('stops quietly with exit 0 when the reader closes the pipe (| head)', async () => {
    const pipe = new ClosingPipe(2);
    const started = Date.now();
    const result = await runCli(['--count', '10000000', ...REPRODUCIBLE], { stdout: pipe });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(pipe.writes).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000); // 10 million events would take minutes: it stopped at the closed pipe
  });

  it('paces to --rate and reports progress on stderr while it runs', async () => {
    const result = await runCli(['--count', '150', '--rate', '1000', '--seed', '1', '--dry-run'], { progressIntervalMs: 40 });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(150);
    const progress = result.stderr.split('\n').filter((l) => l.startsWith('generated '));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatch(/^generated \d+\/150 \(\d+ ev\/s, ETA \d+s\)$/);
    expect(result.stderr).toMatch(/done \(count\): 150 messages in \d+\.\ds/);
  });
});

describe('runGeneratorCli: interruption', () => {
  it('stops after the batch in flight on SIGINT, prints the summary and exits 130', async () => {
    const interrupt = new AbortController();
    // Interrupt once output has started, not after a fixed time that a loaded machine would not honour.
    class InterruptOnFirstWrite extends Collector {
      override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
        super._write(chunk, encoding, done);
        if (!interrupt.signal.aborted) setImmediate(() => interrupt.abort('SIGINT'));
      }
    }
    const result = await runCli(['--rate', '1000', '--seed', '1', '--dry-run'], {
      interrupt: interrupt.signal,
      stdout: new InterruptOnFirstWrite(),
    });
    expect(result.code).toBe(130);
    const written = lines(result.stdout).length;
    expect(written).toBeGreaterThan(0);
    expect(result.stderr).toContain('SIGINT: stopping after the batch in flight');
    expect(result.stderr).toContain(`done (stopped): ${written} messages`);
  });

  it('exits 143 on SIGTERM, and produces nothing when interrupted before the start', async () => {
    const interrupt = new AbortController();
    interrupt.abort('SIGTERM');
    const result = await runCli(['--count', '100', ...REPRODUCIBLE], { interrupt: interrupt.signal });
    expect(result.code).toBe(143);
    expect(result.stdout).toHaveLength(0);
  });

  it('maps signals to 128 + their number', () => {
    expect(exitCodeForSignal('SIGINT')).toBe(130);
    expect(exitCodeForSignal('SIGTERM')).toBe(143);
    expect(exitCodeForSignal('nonsense')).toBe(1);
  });
});

describe('runGeneratorCli: Kafka mode (sink replaced; the real broker is in pipeline-e2e)', () => {
  class RecordingSink implements MessageSink {
    readonly batches: GeneratedMessage[][] = [];
    closed = false;
    constructor(private readonly failures = 0) {}
    async publish(batch: GeneratedMessage[]): Promise<void> {
      if (this.batches.length < this.failures) {
        this.batches.push([]);
        throw new Error('broker unavailable');
      }
      this.batches.push(batch);
    }
    async close(): Promise<void> {
      this.closed = true;
    }
  }

  it('publishes keyed messages with headers, in batches, to the topic from the environment', async () => {
    const sink = new RecordingSink();
    let settings: KafkaSinkSettings | null = null;
    const result = await runCli(['--count', '2500', '--seed', '3', '--start-time', '2026-11-27T09:00:00Z', '--rate', 'max'], {
      env: { KAFKA_BROKERS: 'a:1, b:2', EVENTS_TOPIC: 'my.events' },
      connectKafka: async (s) => {
        settings = s;
        return sink;
      },
    });
    expect(result.code).toBe(0);
    expect(settings).toEqual({ brokers: ['a:1', 'b:2'], topic: 'my.events', partitions: 3 });
    expect(sink.batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(sink.closed).toBe(true);
    const first = sink.batches[0][0];
    const decoded = decodeEvent(first.value);
    if (!decoded.ok) throw new Error('first message should be valid');
    expect(first.key).toBe(decoded.event.session_id);
    // The event's own headers only: nothing per message for --resume, which finds a run by its messages' content.
    expect(sink.batches.flat().every((m) => Object.keys(m.headers).length === 2)).toBe(true);
    expect(first.headers).toEqual({ [HEADER_EVENT_TYPE]: decoded.event.event_type, [HEADER_SCHEMA_VERSION]: '1' });
    expect(sink.batches.flat().some((m) => HEADER_INJECTED_FAULT in m.headers)).toBe(false);
    expect(result.stderr).toContain('producing to my.events on a:1,b:2');
  });

  it('--resume sends only what the topic lacks of the run and says how many it skipped', async () => {
    const argv = ['--count', '3000', '--seed', '5', '--start-time', '2026-11-27T09:00:00Z', '--rate', 'max', '--bad-ratio', '0.2'];
    const first = new RecordingSink();
    await runCli(argv, { connectKafka: async () => first });
    const all = first.batches.flat();
    const partitionOf = (key: string) => key.charCodeAt(key.length - 1) % 3;
    // The topic holds the first 1,000, and of the batch in flight the part for partition 2.
    const held = all.filter((m, seq) => seq < 1_000 || (seq < 2_000 && partitionOf(m.key) === 2));
    const tails = new Map<number, MessageFingerprint[]>();
    for (const m of held) tails.set(partitionOf(m.key), [...(tails.get(partitionOf(m.key)) ?? []), messageFingerprint(m.key, m.value)]);
    const resumed = new RecordingSink();
    const result = await runCli([...argv, '--resume'], {
      connectKafka: async () => resumed,
      readStoredRun: async (_settings, locate) => ({ maxSeqByPartition: locate(tails, partitionOf), partitionOf }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`resume: ${held.length} of 3000 messages of run 5:[0-9a-f]{12} are in`));
    const asText = (m: GeneratedMessage) => `${m.key} ${m.value.toString('latin1')}`;
    expect([...held, ...resumed.batches.flat()].map(asText).sort()).toEqual(all.map(asText).sort());
  });

  it('exits 1 and says so when Kafka cannot be reached', async () => {
    const result = await runCli(['--count', '10'], {
      connectKafka: async () => {
        throw new Error('Connection error: connect ECONNREFUSED');
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: cannot reach Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED (start the local broker with `npm run kafka start`, point KAFKA_BROKERS at one, or use --dry-run)',
    );
  });

  it('reports failed publishes and exits 1 when some messages were not sent', async () => {
    const sink = new RecordingSink(1);
    const result = await runCli(['--count', '1500', '--seed', '3', '--rate', 'max'], { connectKafka: async () => sink });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('publish failed, backing off: broker unavailable');
    expect(result.stderr).toContain('sent 500, failed 1000');
  });
});

describe('batchSizeFromEnv', () => {
  it('falls back when unset and accepts 1..100000', () => {
    expect(batchSizeFromEnv({}, 500)).toBe(500);
    expect(batchSizeFromEnv({ GENERATOR_BATCH_SIZE: '2000' }, 500)).toBe(2000);
    expect(() => batchSizeFromEnv({ GENERATOR_BATCH_SIZE: '1.5' }, 500)).toThrow(/GENERATOR_BATCH_SIZE/);
    expect(() => batchSizeFromEnv({ GENERATOR_BATCH_SIZE: '100001' }, 500)).toThrow(/GENERATOR_BATCH_SIZE/);
  });
});
