import type { GeneratedMessage } from './faults';
import { ClickstreamSimulation, type MessageSource, type SimulationOptions } from './simulation';
import { locateRun, messageFingerprint, resumeStream, runLocator, type MessageFingerprint } from './stream-resume';

const START = Date.parse('2026-11-27T00:00:00Z');
/** Every fault kind, often: the messages without an event id of their own must be found as well as the rest. */
const RUN: SimulationOptions = { seed: 7, startTime: START, badRatio: 0.25 };
const stream = (options: SimulationOptions = RUN) => new ClickstreamSimulation(options);
const take = (source: MessageSource, n: number) => Array.from({ length: n }, () => source.next());
const partitionOf = (key: string) => [...key].reduce((n, c) => n + c.charCodeAt(0), 0) % 3;
const fingerprint = (m: GeneratedMessage) => messageFingerprint(m.key, m.value);
const same = (m: GeneratedMessage) => `${m.key}\n${m.value.toString('latin1')}`;

/** What a reader of the topic sees: per partition, the fingerprints of the last `window` messages, oldest first. */
function tailsOf(topic: GeneratedMessage[], window = 2_000): Map<number, MessageFingerprint[]> {
  const tails = new Map<number, MessageFingerprint[]>();
  for (const m of topic) {
    const partition = partitionOf(m.key);
    tails.set(partition, [...(tails.get(partition) ?? []), fingerprint(m)]);
  }
  for (const [partition, all] of tails) tails.set(partition, all.slice(-window));
  return tails;
}

describe('resuming a generator run without headers', () => {
  it('fingerprints a message the same when it is regenerated, on the real clock too, faults included', () => {
    const count = 2_000;
    const options: SimulationOptions = { seed: 11, badRatio: 0.3 };
    const earlier = take(stream({ ...options, now: () => Date.parse('2026-11-27T10:00:00.001Z') }), count);
    const later = take(stream({ ...options, now: () => Date.parse('2026-12-02T04:59:59.999Z') }), count);
    expect(earlier.filter((m) => m.fault !== null).length).toBeGreaterThan(450);
    // Not the same bytes (other event times), the same fingerprints.
    expect(earlier.map((m) => m.value.toString('latin1'))).not.toEqual(later.map((m) => m.value.toString('latin1')));
    expect(earlier.map(fingerprint)).toEqual(later.map(fingerprint));
    // And different messages have different fingerprints, the ones without an event id of their own too.
    const seeded = take(stream(), 8_000);
    expect(new Set(seeded.map(fingerprint)).size).toBe(new Set(seeded.map(same)).size);
    expect(seeded.filter((m) => m.fault === 'invalid_json' || m.fault === 'duplicate_event_id').length).toBeGreaterThan(200);
  });

  it('sends exactly the messages the topic lacks: a killed run plus its resume is the whole stream once', () => {
    const count = 5_000;
    const full = take(stream(), count);
    // Another run wrote to the topic before; then this one was killed after 3,200 messages were acknowledged, while
    // the batch 3,200-3,999 was in flight: it reached partition 1 only.
    const before = take(stream({ seed: 8, startTime: START, badRatio: 0.25 }), 900);
    const stored = full.filter((m, seq) => seq < 3_200 || (seq < 4_000 && partitionOf(m.key) === 1));
    const isStored = new Set(stored);
    const truth = new Map<number, number>();
    full.forEach((m, seq) => isStored.has(m) && truth.set(partitionOf(m.key), seq));

    const maxSeqByPartition = runLocator(() => stream(), count)(tailsOf([...before, ...stored], 500), partitionOf);
    expect(maxSeqByPartition).toEqual(truth);
    const resumed = resumeStream(stream(), { maxSeqByPartition, partitionOf }, count);
    expect(resumed.skipped).toBe(stored.length);
    expect(resumed.remaining).toBe(count - stored.length);
    const sent = take(resumed.source, resumed.remaining);
    // Every message of the stream once, byte for byte.
    expect([...stored, ...sent].map(same).sort()).toEqual(full.map(same).sort());
  });

  it('finds nothing in tails of other runs, and all of a finished run', () => {
    const other = take(stream({ ...RUN, seed: 9 }), 1_000);
    expect(locateRun(stream(), 1_000, partitionOf, tailsOf(other))).toEqual(new Map());
    expect(resumeStream(stream(), { maxSeqByPartition: new Map(), partitionOf }, 100)).toMatchObject({ skipped: 0, remaining: 100 });
    const done = locateRun(stream(), 1_000, partitionOf, tailsOf(take(stream(), 1_000), 50));
    expect(done.size).toBe(3);
    expect(resumeStream(stream(), { maxSeqByPartition: done, partitionOf }, 1_000)).toMatchObject({ skipped: 1_000, remaining: 0 });
  });

  it('tells look-alike messages apart by the message before them, and refuses to guess when it cannot', () => {
    const message = (key: string, text: string): GeneratedMessage => ({ key, value: Buffer.from(text), headers: {}, eventType: null, fault: null });
    // Positions 1 and 3 look alike (only digits differ); all on one partition.
    const messages = [message('a', 'x'), message('a', 'same 1'), message('a', 'y'), message('a', 'same 2'), message('a', 'z')];
    const source = (): MessageSource => {
      let next = 0;
      return { next: () => messages[next++] };
    };
    const onePartition = () => 0;
    const tail = (...seqs: number[]) => new Map([[0, seqs.map((seq) => fingerprint(messages[seq]))]]);
    expect(locateRun(source(), 5, onePartition, tail(0, 1, 2, 3))).toEqual(new Map([[0, 3]]));
    expect(locateRun(source(), 5, onePartition, tail(0, 1))).toEqual(new Map([[0, 1]]));
    expect(() => locateRun(source(), 5, onePartition, tail(3))).toThrow(/partition 0: the newest message of the run there matches 2 positions/);
  });
});
