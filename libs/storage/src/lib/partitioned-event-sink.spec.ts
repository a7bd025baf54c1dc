import { decodeEventIdFile, formatPackedId } from './event-id-file';
import type { ShopEvent } from '@pipeline/events';
import { readEventRows } from './event-parquet';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { rollupHour } from './metrics-rollup';
import { readMetricTable } from './storage-readers';
import { PartitionedEventSink, PendingBatchError, StaleWriterError, type EventBatch } from './partitioned-event-sink';
import { eventStream } from './testing/event-factory';
import { RecordingBackend } from './testing/recording-backend';
import { makeTempDir } from './testing/temp-dir';

const TOPIC = 'ecommerce.events';
const HOUR_10 = 'year=2026/month=11/day=27/hour=10';
const HOUR_11 = 'year=2026/month=11/day=27/hour=11';

/** 200 events at offsets 0..199; the first 100 in hour 10, the rest in hour 11. */
const STREAM = eventStream(200, '2026-11-27T10:00:00.000Z', 2, 11);

function batch(first: number, last: number, partition = 0): EventBatch {
  return {
    topic: TOPIC,
    partition,
    firstOffset: String(first),
    lastOffset: String(last),
    events: STREAM.slice(first, last + 1),
  };
}

/** Every event id stored under events/, with how often it appears. */
async function storedEventIds(backend: LocalFileSystemBackend): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await backend.list('events')) {
    for await (const row of readEventRows(backend, key)) ids.push(String(row['event_id']));
  }
  return ids.sort();
}

const allIds = (events: readonly ShopEvent[]) => events.map((e) => e.event_id).sort();

describe('PartitionedEventSink', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  let sink: PartitionedEventSink;

  beforeEach(() => {
    temp = makeTempDir('sink');
    backend = new LocalFileSystemBackend(temp.dir);
    sink = new PartitionedEventSink(backend, { compression: 'SNAPPY' });
  });
  afterEach(() => temp.cleanup());

  it('puts late events of an hour with its other events, in batch order, however the hours interleave', async () => {
    // Hours 11, 10, 11, 10, 10, 11: runs of one hour alternate, as late data does.
    const mixed = [150, 10, 151, 11, 12, 152].map((i) => STREAM[i]);
    const written = await sink.writeBatch({ topic: TOPIC, partition: 0, firstOffset: '0', lastOffset: '5', events: mixed });
    expect(written.hours).toEqual([HOUR_10, HOUR_11]);
    const idsOf = async (key: string) => {
      const words = decodeEventIdFile(await backend.read(key));
      return Array.from({ length: words.length / 4 }, (_, i) => formatPackedId(words, i));
    };
    expect(await idsOf(written.idFiles[0].key)).toEqual([10, 11, 12].map((i) => STREAM[i].event_id));
    expect(await idsOf(written.idFiles[1].key)).toEqual([150, 151, 152].map((i) => STREAM[i].event_id));
    expect(written.idFiles.map((f) => f.key)).toEqual([`ids/${HOUR_10}/ecommerce.events+0+00000000000000000000.ids`, `ids/${HOUR_11}/ecommerce.events+0+00000000000000000000.ids`]);
  });

  it('writes a batch spanning two hours as one raw file, one partial and one id file per hour, same name in each', async () => {
    const written = await sink.writeBatch(batch(42, 161));
    const stem = 'ecommerce.events+0+00000000000000000042';
    expect(written.files).toEqual([
      `events/${HOUR_10}/${stem}.parquet`,
      `partials/${HOUR_10}/${stem}.json`,
      `ids/${HOUR_10}/${stem}.ids`,
      `events/${HOUR_11}/${stem}.parquet`,
      `partials/${HOUR_11}/${stem}.json`,
      `ids/${HOUR_11}/${stem}.ids`,
    ]);
    const ids10 = decodeEventIdFile(await backend.read(written.files[2]));
    expect(Array.from({ length: ids10.length / 4 }, (_, i) => formatPackedId(ids10, i))).toEqual(
      STREAM.slice(42, 100).map((e) => e.event_id),
    );
    expect(written.hours).toEqual([HOUR_10, HOUR_11]);
    const hour10 = [];
    for await (const row of readEventRows(backend, written.files[0])) hour10.push(row['event_id']);
    expect(hour10).toEqual(STREAM.slice(42, 100).map((e) => e.event_id));
    expect(await storedEventIds(backend)).toEqual(allIds(STREAM.slice(42, 162)));
  });

  it('writes the pending marker first, listing every file, and completeBatch deletes it', async () => {
    const recording = new RecordingBackend(backend);
    const recordingSink = new PartitionedEventSink(recording);
    const written = await recordingSink.writeBatch(batch(0, 149));
    const markerKey = '_pending/ecommerce.events+0.json';
    expect(recording.operations[0]).toEqual({ op: 'writeAtomic', key: markerKey });
    expect(recording.operations.slice(1).map((o) => o.key)).toEqual(written.files);
    const marker = await recordingSink.pendingMarker(TOPIC, 0);
    expect(marker).toMatchObject({ topic: TOPIC, partition: 0, firstOffset: '0', lastOffset: '149', files: written.files });
    expect(await recordingSink.completeBatch(TOPIC, 0)).toBe(true);
    expect(await backend.exists(markerKey)).toBe(false);
  });

  it('refuses a new batch while one is pending', async () => {
    await sink.writeBatch(batch(0, 9));
    await expect(sink.writeBatch(batch(10, 19))).rejects.toBeInstanceOf(PendingBatchError);
    await sink.completeBatch(TOPIC, 0);
    await expect(sink.writeBatch(batch(10, 19))).resolves.toBeDefined();
  });

  it('keeps partitions independent', async () => {
    await sink.writeBatch(batch(0, 9, 0));
    await sink.writeBatch(batch(10, 19, 1));
    expect(await backend.list('_pending')).toEqual(['_pending/ecommerce.events+0.json', '_pending/ecommerce.events+1.json']);
  });

  it('validates offsets against the events', async () => {
    await expect(sink.writeBatch({ ...batch(0, 9), lastOffset: '5' })).rejects.toThrow(/cannot come from/);
    await expect(sink.writeBatch({ ...batch(0, 9), firstOffset: '10' })).rejects.toThrow(/before/);
    await expect(sink.writeBatch({ ...batch(0, 9), firstOffset: 'x' })).rejects.toThrow(/offset/);
    expect(await backend.list('')).toEqual([]);
  });

  it('writes nothing, and no marker, for a batch whose messages all went to the DLQ', async () => {
    expect(await sink.writeBatch({ ...batch(0, 9), events: [] })).toEqual({ files: [], idFiles: [], hours: [], writer: null });
    expect(await backend.list('')).toEqual([]);
  });

  describe('recoverPartition', () => {
    it('does nothing without a marker', async () => {
      expect(await sink.recoverPartition(TOPIC, 0, '7')).toEqual({ outcome: 'no_pending_batch', marker: null, removed: [], hours: [] });
    });

    it('keeps the files of a batch whose offset commit went through, and deletes the marker', async () => {
      const written = await sink.writeBatch(batch(0, 149));
      // crash after the commit of offset 150, before completeBatch
      const result = await sink.recoverPartition(TOPIC, 0, '150');
      expect(result).toMatchObject({ outcome: 'committed', removed: [] });
      for (const key of written.files) expect(await backend.exists(key)).toBe(true);
      expect(await sink.pendingMarker(TOPIC, 0)).toBeNull();
      // consumption resumes at 150: every event exactly once
      await sink.writeBatch(batch(150, 199));
      await sink.completeBatch(TOPIC, 0);
      expect(await storedEventIds(backend)).toEqual(allIds(STREAM));
    });

    it.each([
      ['no committed offset', null],
      ['committed offset at the batch start', '0'],
    ])('deletes every file of an uncommitted batch (%s)', async (_label, committed) => {
      const written = await sink.writeBatch(batch(0, 149));
      const result = await sink.recoverPartition(TOPIC, 0, committed);
      expect(result.outcome).toBe('rolled_back');
      expect(result.removed).toEqual(written.files);
      expect(result.hours).toEqual([HOUR_10, HOUR_11]);
      expect(await backend.list('')).toEqual([]);
    });

    it('refuses to guess when the committed offset falls inside the pending batch', async () => {
      await sink.writeBatch(batch(0, 149));
      await expect(sink.recoverPartition(TOPIC, 0, '100')).rejects.toThrow(/inside pending batch/);
      expect(await sink.pendingMarker(TOPIC, 0)).not.toBeNull();
    });

    it('after a crash, a replay with different batch boundaries stores every event exactly once', async () => {
      // Attempt 1: offsets 0..149 cover both hours; the process dies before committing.
      await sink.writeBatch(batch(0, 149));
      const crashedFileInHour11 = `events/${HOUR_11}/ecommerce.events+0+00000000000000000000.parquet`;
      expect(await backend.exists(crashedFileInHour11)).toBe(true);

      // Restart: the group's committed offset is still 0.
      const recovery = await sink.recoverPartition(TOPIC, 0, '0');
      expect(recovery.removed).toContain(crashedFileInHour11);

      // The replay flushes at other offsets: 0..59 lies in hour 10 only, so it would never have
      // overwritten the hour-11 file of attempt 1; without the marker events 100..149 would be stored twice.
      for (const [first, last] of [[0, 59], [60, 129], [130, 199]]) {
        const written = await sink.writeBatch(batch(first, last));
        // offset commit of last + 1 happens here
        await sink.completeBatch(TOPIC, 0);
        for (const hour of written.hours) await rollupHour(backend, hour);
      }
      const ids = await storedEventIds(backend);
      expect(ids).toHaveLength(200);
      expect(ids).toEqual(allIds(STREAM));

      const [summary10] = await readMetricTable(backend, 'summary', HOUR_10);
      const [summary11] = await readMetricTable(backend, 'summary', HOUR_11);
      expect(Number(summary10['events']) + Number(summary11['events'])).toBe(200);
      const revenue = STREAM.reduce((sum, e) => sum + (e.event_type === 'purchase' ? e.revenue_cents : 0), 0);
      expect(Number(summary10['revenue_cents']) + Number(summary11['revenue_cents'])).toBe(revenue);
    });

    it('cleans up a batch that crashed half-way through its files', async () => {
      const crashing = new RecordingBackend(backend);
      crashing.crashAfterWrites = 2; // the marker and the first raw file reach storage
      await expect(new PartitionedEventSink(crashing).writeBatch(batch(0, 149))).rejects.toThrow('simulated crash');
      expect(await backend.list('events')).toHaveLength(1);

      const result = await sink.recoverPartition(TOPIC, 0, null);
      expect(result.removed).toEqual([`events/${HOUR_10}/ecommerce.events+0+00000000000000000000.parquet`]);
      expect(await backend.list('')).toEqual([]);

      await sink.writeBatch(batch(0, 199));
      await sink.completeBatch(TOPIC, 0);
      expect(await storedEventIds(backend)).toEqual(allIds(STREAM));
    });

    it('can be repeated after a crash during recovery itself', async () => {
      const written = await sink.writeBatch(batch(0, 149));
      await backend.remove(written.files[0]); // recovery got this far, then died before deleting the marker
      const result = await sink.recoverPartition(TOPIC, 0, null);
      expect(result.removed).toEqual(written.files.slice(1));
      expect(await backend.list('')).toEqual([]);
    });

    it('abortBatch rolls back a failed write in the running process', async () => {
      await sink.writeBatch(batch(0, 9));
      expect((await sink.abortBatch(TOPIC, 0)).outcome).toBe('rolled_back');
      expect(await backend.list('')).toEqual([]);
    });
  });

  describe('fencing a writer that lost its partition', () => {
    it('refuses to overwrite committed files with a replay of the same offsets (a zombie after a rebalance)', async () => {
      await sink.writeBatch(batch(0, 149));
      await sink.completeBatch(TOPIC, 0); // committed by the owner
      // A stale instance still holding an older, shorter fetch of the same offsets:
      await expect(sink.writeBatch(batch(0, 59))).rejects.toBeInstanceOf(StaleWriterError);
      expect(await storedEventIds(backend)).toEqual(allIds(STREAM.slice(0, 150)));
      expect(await sink.pendingMarker(TOPIC, 0)).toBeNull();
    });

    it('never replaces a file the new owner committed between the stale writer\'s check and its write', async () => {
      await sink.writeBatch(batch(0, 149));
      await sink.completeBatch(TOPIC, 0);
      // The stale writer checked before the owner wrote: its existence checks saw nothing.
      const blind = Object.assign(Object.create(backend) as LocalFileSystemBackend, { exists: async () => false });
      await expect(new PartitionedEventSink(blind).writeBatch(batch(0, 59))).rejects.toBeInstanceOf(StaleWriterError);
      expect(await storedEventIds(backend)).toEqual(allIds(STREAM.slice(0, 150)));
    });

    it('tells a writer before its commit that another instance settled its batch', async () => {
      const mine = await sink.writeBatch(batch(0, 99));
      expect(await sink.isStillPending(TOPIC, 0, mine.writer ?? '')).toBe(true);
      // The new owner recovers the partition from the committed offset 0 and rolls the batch back.
      await new PartitionedEventSink(backend).recoverPartition(TOPIC, 0, '0');
      expect(await sink.isStillPending(TOPIC, 0, mine.writer ?? '')).toBe(false);
    });

    it('lets a backfill re-run replace its own files', async () => {
      const backfill = new PartitionedEventSink(backend, {}, { replaceExisting: true });
      await backfill.writeBatch(batch(0, 99));
      await backfill.completeBatch(TOPIC, 0);
      await backfill.writeBatch(batch(0, 99));
      await backfill.completeBatch(TOPIC, 0);
      expect(await storedEventIds(backend)).toEqual(allIds(STREAM.slice(0, 100)));
    });
  });
});
