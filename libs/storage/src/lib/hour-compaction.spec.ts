import {
  compactionManifestKey,
  type CompactionManifest,
  listVisibleFiles,
  listVisibleHourFiles,
  uuidV7,
  visibleHourFiles,
} from './compaction-visibility';
import { DurableEventIdIndex } from './durable-event-id-index';
import { compactClosedHours, compactHour, type CompactionStep, planHourCompaction } from './hour-compaction';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { HourlyPartialsMerger, MetricsRollup, rollupHour } from './metrics-rollup';
import { PartitionedEventSink } from './partitioned-event-sink';
import { eventStream, pageView } from './testing/event-factory';
import { metricFiles, visibleEventIds, visibleIdFileIds, writeCommittedBatches } from './testing/compaction-fixtures';
import { makeTempDir } from './testing/temp-dir';
import { listVisibleEventFiles } from './visible-event-readers';

jest.setTimeout(60_000);

const H10 = 'year=2026/month=11/day=27/hour=10';
const H11 = 'year=2026/month=11/day=27/hour=11';
const AFTER_BOTH_HOURS = Date.parse('2026-11-27T12:30:00.000Z');

function manifest(partial: Partial<CompactionManifest>): CompactionManifest {
  return { format: 1, hour: H10, sequence: 1, run: 'r', createdAt: '', sources: [], outputs: [], outputEvents: {}, ...partial };
}

describe('visibility rule', () => {
  const batchA = `events/${H10}/t+0+00000000000000000000.parquet`;
  const batchB = `events/${H10}/t+0+00000000000000000010.parquet`;
  const late = `events/${H10}/t+1+00000000000000000000.parquet`;
  const out1 = `events/${H10}/compacted+${uuidV7()}.parquet`;
  const out2 = `events/${H10}/compacted+${uuidV7()}.parquet`;
  const orphan = `events/${H10}/compacted+${uuidV7()}.parquet`;

  it('shows every batch file when nothing was compacted, and hides a compacted output no manifest lists', () => {
    expect(visibleHourFiles([batchA, batchB, orphan], [])).toEqual([batchA, batchB]);
  });

  it('hides the sources of a manifest and shows its outputs, deleted or not', () => {
    const first = manifest({ sources: [batchA, batchB], outputs: [out1] });
    expect(visibleHourFiles([batchA, batchB, out1, late, orphan], [first])).toEqual([out1, late]);
    expect(visibleHourFiles([out1, late], [first])).toEqual([out1, late]);
  });

  it('a re-compaction hides the earlier output it took as a source', () => {
    const first = manifest({ sources: [batchA, batchB], outputs: [out1] });
    const second = manifest({ sequence: 2, sources: [out1, late], outputs: [out2] });
    expect(visibleHourFiles([batchA, out1, late, out2], [first, second])).toEqual([out2]);
  });

  it('keeps versions and order of key/version entries', () => {
    const first = manifest({ sources: [batchA], outputs: [out1] });
    expect(visibleHourFiles([{ key: out1, version: 'v1' }, { key: batchA, version: 'v0' }], [first])).toEqual([{ key: out1, version: 'v1' }]);
  });

  it('plans: skips pending and full files, pairs id files with their events, finds hidden files and old orphans', () => {
    const first = manifest({ sources: [batchA], outputs: [out1], outputEvents: { [out1]: 500 } });
    const oldOrphan = `events/${H10}/compacted+${uuidV7(Date.now() - 2 * 3_600_000)}.parquet`;
    const keys = [
      batchA,
      batchB,
      late,
      out1,
      orphan,
      oldOrphan,
      `ids/${H10}/t+0+00000000000000000010.ids`,
      `ids/${H10}/t+1+00000000000000000000.ids`,
      `partials/${H10}/t+0+00000000000000000010.json`,
      `partials/${H10}/t+1+00000000000000000000.json`,
    ];
    const plan = planHourCompaction(keys, [first], new Set([late, `ids/${H10}/t+1+00000000000000000000.ids`]), { maxEventsPerFile: 500 });
    expect(plan.eventSources).toEqual([batchB]);
    expect(plan.keptEvents).toBe(500);
    expect(plan.idSources).toEqual([`ids/${H10}/t+0+00000000000000000010.ids`]);
    expect(plan.partialSources).toEqual([`partials/${H10}/t+0+00000000000000000010.json`, `partials/${H10}/t+1+00000000000000000000.json`]);
    expect(plan.hiddenPresent).toEqual([batchA]);
    expect(plan.orphans).toEqual([oldOrphan]);
  });
});

describe('compaction', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  const EVENTS = eventStream(800, '2026-11-27T10:00:00.000Z', 2, 7);
  const ALL_IDS = EVENTS.map((e) => e.event_id).sort();

  beforeEach(() => {
    temp = makeTempDir('compaction');
    backend = new LocalFileSystemBackend(temp.dir);
  });
  afterEach(() => temp.cleanup());

  async function eventFileCount(hour: string) {
    return (await backend.list(`events/${hour}`)).length;
  }

  it('merges 40 small batches into one events, partial and id file per hour: every event once, metric tables unchanged', async () => {
    const { batches } = await writeCommittedBatches(backend, EVENTS, { partitions: 2, batchSize: 20, rollup: true });
    expect(batches).toBe(40);
    const tablesBefore = await metricFiles(backend);
    expect(tablesBefore.size).toBe(24);
    expect(await eventFileCount(H10)).toBeGreaterThanOrEqual(20);

    const result = await compactClosedHours(backend, { now: () => AFTER_BOTH_HOURS });
    expect(result.hours.map((h) => [h.hour, h.outcome])).toEqual([
      [H10, 'compacted'],
      [H11, 'compacted'],
    ]);
    expect(result.hours.reduce((n, h) => n + h.events, 0)).toBe(800);
    for (const hour of [H10, H11]) {
      expect((await backend.list(`events/${hour}`)).map((k) => k.split('/').pop())).toEqual([expect.stringMatching(/^compacted\+.+\.parquet$/)]);
      expect(await backend.list(`partials/${hour}`)).toHaveLength(1);
      expect(await backend.list(`ids/${hour}`)).toHaveLength(1);
      expect(await backend.list(`compactions/${hour}`)).toEqual([compactionManifestKey(hour, 1)]);
    }
    expect(await visibleEventIds(backend)).toEqual(ALL_IDS);
    expect(await visibleIdFileIds(backend)).toEqual(ALL_IDS);

    // A full rollup from the compacted partials writes the very same bytes.
    const rollup = new MetricsRollup(backend);
    await rollup.rollupHours([H10, H11]);
    expect(await metricFiles(backend)).toEqual(tablesBefore);

    // Rows come out sorted by event time; the durable id index still knows every id.
    const [only] = await listVisibleEventFiles(backend, H10);
    const { readEventRows } = await import('./event-parquet');
    const times: number[] = [];
    for await (const row of readEventRows(backend, only)) times.push(Number(row['event_time']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const index = new DurableEventIdIndex(backend);
    await index.refresh(EVENTS);
    expect(index.findStored(EVENTS)).toHaveLength(800);

    // Nothing left to do: a second run changes nothing.
    const again = await compactClosedHours(backend, { now: () => AFTER_BOTH_HOURS });
    expect(again).toMatchObject({ hours: [], untouched: 2 });
  });

  it('an incremental rollup (HourlyPartialsMerger) across a compaction writes the same tables', async () => {
    const merger = new HourlyPartialsMerger();
    await writeCommittedBatches(backend, EVENTS.slice(0, 200), { batchSize: 20 });
    await rollupHour(backend, H10, {}, merger);
    const before = await metricFiles(backend);
    await compactHour(backend, H10);
    const after = await rollupHour(backend, H10, {}, merger);
    expect(after).toMatchObject({ partials: 1, superseded: false });
    expect(await metricFiles(backend)).toEqual(before);
  });

  it('leaves open hours, pending batches and young orphans alone', async () => {
    await writeCommittedBatches(backend, EVENTS.slice(0, 100), { batchSize: 10 });
    const open = await compactClosedHours(backend, { now: () => Date.parse('2026-11-27T11:05:00.000Z') });
    expect(open.hours).toEqual([]); // hour 10 ends at 11:00; with 10 min grace it is still open

    const sink = new PartitionedEventSink(backend);
    await sink.writeBatch({ topic: 't', partition: 5, firstOffset: '0', lastOffset: '0', events: [pageView({ n: 9001, time: '2026-11-27T10:30:00.000Z' })] });
    const result = await compactHour(backend, H10);
    expect(result.outcome).toBe('compacted');
    expect(result.sources.events).toBe(10);
    // The pending batch's files are untouched and still visible next to the compacted file.
    expect((await listVisibleEventFiles(backend, H10)).map((k) => k.split('/').pop())).toEqual([
      expect.stringMatching(/^compacted\+/),
      't+5+00000000000000000000.parquet',
    ]);
    // Once committed, a later run merges it too (the earlier output is one of its sources).
    await sink.completeBatch('t', 5);
    const second = await compactHour(backend, H10);
    expect(second).toMatchObject({ outcome: 'compacted', manifest: compactionManifestKey(H10, 2), sources: { events: 2, partials: 2, ids: 2 } });
    expect(await eventFileCount(H10)).toBe(1);
    expect(await visibleEventIds(backend)).toEqual([...EVENTS.slice(0, 100).map((e) => e.event_id), pageView({ n: 9001, time: '' }).event_id].sort());
  });

  it('late events after a compaction: a second compaction merges them with the first output', async () => {
    const rollup = new MetricsRollup(backend);
    await writeCommittedBatches(backend, EVENTS.slice(0, 400), { batchSize: 50, rollup: true });
    await compactClosedHours(backend, { now: () => AFTER_BOTH_HOURS });
    await writeCommittedBatches(backend, EVENTS.slice(400), { batchSize: 50, firstOffset: 1000, rollup: true });
    const tablesBefore = await metricFiles(backend);
    const second = await compactClosedHours(backend, { now: () => AFTER_BOTH_HOURS });
    expect(second.hours.every((h) => h.outcome === 'compacted')).toBe(true);
    for (const hour of [H10, H11]) expect(await eventFileCount(hour)).toBe(1);
    expect(await visibleEventIds(backend)).toEqual(ALL_IDS);
    expect(await visibleIdFileIds(backend)).toEqual(ALL_IDS);
    await rollup.rollupHours([H10, H11]);
    expect(await metricFiles(backend)).toEqual(tablesBefore);
  });

  it('caps files at maxEventsPerFile and leaves full files alone when late events come', async () => {
    await writeCommittedBatches(backend, EVENTS.slice(0, 380), { batchSize: 20 });
    const first = await compactHour(backend, H10, { maxEventsPerFile: 150 });
    expect(first.events).toBe(380);
    expect(await eventFileCount(H10)).toBe(3); // 150 + 150 + 80
    await writeCommittedBatches(backend, EVENTS.slice(380, 400), { batchSize: 20, firstOffset: 1000 });
    const second = await compactHour(backend, H10, { maxEventsPerFile: 150 });
    expect(second.sources.events).toBe(2); // the 80-event output and the late batch; the full ones stay
    expect(second.events).toBe(100);
    expect(await eventFileCount(H10)).toBe(3);
    expect(await visibleEventIds(backend)).toEqual(EVENTS.slice(0, 400).map((e) => e.event_id).sort());
    expect(await visibleIdFileIds(backend)).toEqual(EVENTS.slice(0, 400).map((e) => e.event_id).sort());
  });

  // Needs an atomic create (writeIfAbsent: the S3 backend, and the local one once it has it); without it, run one
  // compactor at a time.
  const withAtomicCreate = 'writeIfAbsent' in LocalFileSystemBackend.prototype ? it : it.skip;
  withAtomicCreate('two runs of one hour at once: one commits, every event stays exactly once', async () => {
    await writeCommittedBatches(backend, EVENTS.slice(0, 300), { partitions: 2, batchSize: 30 });
    const results = await Promise.all([compactHour(backend, H10), compactHour(backend, H10), compactHour(backend, H10)]);
    expect(results.filter((r) => r.outcome === 'compacted')).toHaveLength(1);
    const ids = EVENTS.slice(0, 300).map((e) => e.event_id).sort();
    expect(await visibleEventIds(backend)).toEqual(ids);
    expect(await visibleIdFileIds(backend)).toEqual(ids);
    expect(await backend.list(`compactions/${H10}`)).toHaveLength(1);
  });

  const STEPS: CompactionStep[] = ['listed', 'output_written', 'outputs_written', 'committed', 'source_deleted', 'sources_deleted'];
  const SOME = eventStream(240, '2026-11-27T10:00:00.000Z', 2, 11); // 10 batches over both hours
  const SOME_IDS = SOME.map((e) => e.event_id).sort();
  it.each(STEPS.flatMap((step) => [1, 2].map((nth) => [step, nth] as const)))(
    'a crash after step %s (occurrence %i), then a re-run: every event once, visible files consistent',
    async (crashStep, nth) => {
      await writeCommittedBatches(backend, SOME, { partitions: 2, batchSize: 24, rollup: true });
      const tablesBefore = await metricFiles(backend);
      let seen = 0;
      const crash = (step: CompactionStep) => {
        if (step === crashStep && ++seen === nth) throw new Error(`crash after ${step}`);
      };
      // maxEventsPerFile 200: several outputs per hour, so "output_written" happens more than once.
      const options = { maxEventsPerFile: 50, now: () => AFTER_BOTH_HOURS };
      await compactClosedHours(backend, { ...options, afterStep: crash }).catch((error: Error) => expect(error.message).toMatch(/^crash after/));
      // Whatever the crash left, readers see every event once.
      expect(await visibleEventIds(backend)).toEqual(SOME_IDS);
      expect(await visibleIdFileIds(backend)).toEqual(SOME_IDS);

      await compactClosedHours(backend, { ...options, orphanAgeMs: 0 });
      expect(await visibleEventIds(backend)).toEqual(SOME_IDS);
      expect(await visibleIdFileIds(backend)).toEqual(SOME_IDS);
      for (const hour of [H10, H11]) {
        // Only visible files are left, and no more than the cap needs.
        const all = await backend.list(`events/${hour}`);
        expect((await listVisibleHourFiles(backend, 'events', hour)).map((f) => f.key)).toEqual(all);
        expect(all.length).toBe(3); // 120 events per hour, at most 50 per file
        expect(await backend.list(`partials/${hour}`)).toHaveLength(1);
      }
      expect((await listVisibleFiles(backend, 'ids')).length).toBe((await backend.list('ids')).length);
      await new MetricsRollup(backend).rollupHours([H10, H11]);
      expect(await metricFiles(backend)).toEqual(tablesBefore);
    },
  );

  it('refuses to compact an hour whose partials and event files disagree', async () => {
    await writeCommittedBatches(backend, EVENTS.slice(0, 100), { batchSize: 10 });
    await backend.remove(`events/${H10}/t+0+00000000000000000010.parquet`);
    await expect(compactHour(backend, H10)).rejects.toThrow(/partial files count 100 events, event files 90/);
    expect(await backend.list(`compactions`)).toEqual([]);
    expect((await backend.list(`events/${H10}`)).some((k) => k.includes('compacted+'))).toBe(false);
  });
});
