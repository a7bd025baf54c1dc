import { ClickstreamSimulation } from './simulation';
import { HEADER_GENERATOR_RUN, HEADER_GENERATOR_SEQ, resumeStream, SequencedSource } from './stream-resume';

const RUN = '7:abc';
const stream = () => new SequencedSource(new ClickstreamSimulation({ seed: 7, startTime: Date.parse('2026-11-27T00:00:00Z') }), RUN);
const take = (source: { next(): { headers: Record<string, string> } }, n: number) => Array.from({ length: n }, () => source.next());
const seqOf = (m: { headers: Record<string, string> }) => Number(m.headers[HEADER_GENERATOR_SEQ]);
const partitionOf = (key: string) => [...key].reduce((n, c) => n + c.charCodeAt(0), 0) % 3;

describe('resuming a generator run', () => {
  it('numbers every message of a run in its headers', () => {
    const messages = take(stream(), 5);
    expect(messages.map(seqOf)).toEqual([0, 1, 2, 3, 4]);
    expect(messages.every((m) => m.headers[HEADER_GENERATOR_RUN] === RUN && m.headers['event-type'])).toBe(true);
  });

  it('sends exactly the messages the topic lacks: a killed run plus its resume is the whole stream once', () => {
    const count = 2_000;
    const full = take(stream(), count) as unknown as { key: string; headers: Record<string, string> }[];
    // Killed after 1,200 messages were acknowledged, while the batch 1,200-1,499 was in flight: it reached partition 1 only.
    const stored = full.filter((m, seq) => seq < 1_200 || (seq < 1_500 && partitionOf(m.key) === 1));
    const maxSeqByPartition = new Map<number, number>();
    for (const m of stored) maxSeqByPartition.set(partitionOf(m.key), seqOf(m));

    const resumed = resumeStream(stream(), { maxSeqByPartition, partitionOf }, count);
    expect(resumed.skipped).toBe(stored.length);
    expect(resumed.remaining).toBe(count - stored.length);
    const sent = take(resumed.source, resumed.remaining);
    const all = [...stored, ...sent].map(seqOf).sort((a, b) => a - b);
    expect(all).toEqual(full.map(seqOf));
    // The messages sent are the very messages of the stream (same key, same bytes).
    const bySeq = new Map(full.map((m) => [seqOf(m), JSON.stringify(m)]));
    for (const m of sent) expect(JSON.stringify(m)).toBe(bySeq.get(seqOf(m)));
  });

  it('sends everything when the topic holds nothing of the run, and nothing when it holds all of it', () => {
    expect(resumeStream(stream(), { maxSeqByPartition: new Map(), partitionOf }, 100)).toMatchObject({ skipped: 0, remaining: 100 });
    const done = new Map([[0, 5_000], [1, 5_000], [2, 5_000]]);
    expect(resumeStream(stream(), { maxSeqByPartition: done, partitionOf }, 100)).toMatchObject({ skipped: 100, remaining: 0 });
  });
});
