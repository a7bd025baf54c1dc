import { DurableEventIdIndex } from './durable-event-id-index';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { PartitionedEventSink } from './partitioned-event-sink';
import { pageView } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';

const H9 = '2026-11-27T09:10:00.000Z';
const H10 = '2026-11-27T10:20:00.000Z';
const ev = (n: number, time = H9) => pageView({ n, time });

describe('DurableEventIdIndex', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  let sink: PartitionedEventSink;

  beforeEach(() => {
    temp = makeTempDir('id-index');
    backend = new LocalFileSystemBackend(temp.dir);
    sink = new PartitionedEventSink(backend);
  });
  afterEach(() => temp.cleanup());

  async function commit(partition: number, firstOffset: string, events = [ev(1)]) {
    const lastOffset = String(BigInt(firstOffset) + BigInt(events.length) - 1n);
    const written = await sink.writeBatch({ topic: 't', partition, firstOffset, lastOffset, events });
    await sink.completeBatch('t', partition);
    return written;
  }

  it('a fresh index (a restarted process) knows every committed id, from any partition', async () => {
    await commit(0, '0', [ev(1), ev(2, H10)]);
    await commit(2, '100', [ev(3)]);
    const index = new DurableEventIdIndex(backend);
    const candidates = [ev(4), ev(1), ev(3), ev(2, H10), ev(5, H10)];
    await index.refresh(candidates);
    expect(index.findStored(candidates)).toEqual([1, 2, 3]);
  });

  it('reads the same hours from event times the caller gives as from the events', async () => {
    await commit(0, '0', [ev(1), ev(2, H10)]);
    const candidates = [ev(1), ev(3), ev(2, H10), ev(1), ev(4, H10)];
    const fromEvents = new DurableEventIdIndex(backend);
    await fromEvents.refresh(candidates);
    const fromTimes = new DurableEventIdIndex(backend);
    await fromTimes.refresh(candidates, candidates.map((e) => Date.parse(e.event_time)));
    expect(fromTimes.heldHours()).toEqual(fromEvents.heldHours());
    expect(fromTimes.findStored(candidates)).toEqual(fromEvents.findStored(candidates));
    expect(fromTimes.findStored(candidates)).toEqual([0, 2, 3]);
    await expect(fromTimes.refresh(candidates, [1])).rejects.toThrow(/1 event times for 5 events/);
  });

  it('flags a repeat inside one batch (the first stays)', async () => {
    const index = new DurableEventIdIndex(backend);
    const batch = [ev(1), ev(2), ev(1), ev(2), ev(3)];
    await index.refresh(batch);
    expect(index.findStored(batch)).toEqual([2, 3]);
  });

  it('ignores files of a batch that is still pending, and sees them once it is committed', async () => {
    await sink.writeBatch({ topic: 't', partition: 1, firstOffset: '0', lastOffset: '0', events: [ev(7)] });
    const index = new DurableEventIdIndex(backend);
    await index.refresh([ev(7)]);
    // The batch may still be rolled back: its redelivery must not look like a duplicate of itself.
    expect(index.findStored([ev(7)])).toEqual([]);
    await sink.completeBatch('t', 1);
    await index.refresh([ev(7)]);
    expect(index.findStored([ev(7)])).toEqual([0]);
  });

  it('forgets a rolled-back batch: its events are new again', async () => {
    await sink.writeBatch({ topic: 't', partition: 1, firstOffset: '0', lastOffset: '0', events: [ev(8)] });
    await sink.recoverPartition('t', 1, null);
    const index = new DurableEventIdIndex(backend);
    await index.refresh([ev(8)]);
    expect(index.findStored([ev(8)])).toEqual([]);
  });

  it('picks up files other writers committed after the hour was loaded', async () => {
    const index = new DurableEventIdIndex(backend);
    await index.refresh([ev(1)]);
    expect(index.findStored([ev(1)])).toEqual([]);
    await commit(0, '0', [ev(1)]); // another instance, same hour
    await index.refresh([ev(1)]);
    expect(index.findStored([ev(1)])).toEqual([0]);
  });

  it('an id file recorded without its bytes is read by the next refresh of its hour', async () => {
    const index = new DurableEventIdIndex(backend);
    await index.refresh([ev(1)]);
    const written = await commit(0, '0', [ev(1)]);
    index.recordCommitted([ev(1)], { idFiles: undefined });
    expect(index.findStored([ev(1)])).toEqual([]);
    const reads = jest.spyOn(backend, 'read');
    await index.refresh([ev(1)]);
    expect(reads.mock.calls.map(([key]) => key)).toEqual(written.files.filter((key) => key.endsWith('.ids')));
    expect(index.findStored([ev(1)])).toEqual([0]);
    reads.mockRestore();
  });

  it('records its own commits without reading them back, and stays exact after evicting idle hours', async () => {
    const index = new DurableEventIdIndex(backend, { maxIds: 1 });
    const first = [ev(1), ev(2)];
    await index.refresh(first);
    const written = await commit(0, '0', first);
    expect(written.idFiles.map((f) => f.key)).toEqual(written.files.filter((key) => key.endsWith('.ids')));
    index.recordCommitted(first, written);
    expect(index.findStored(first)).toEqual([0, 1]);
    const reads = jest.spyOn(backend, 'read');
    await index.refresh(first);
    expect(reads).not.toHaveBeenCalled();
    expect(index.findStored(first)).toEqual([0, 1]);
    reads.mockRestore();

    const later = [ev(3, H10), ev(4, H10)];
    await index.refresh(later); // over the budget: hour 9 is dropped, hour 10 (in use) stays
    expect(index.heldHours()).toEqual([Date.parse('2026-11-27T10:00:00.000Z')]);
    await index.refresh(first); // read again from storage
    expect(index.findStored(first)).toEqual([0, 1]);
  });

  it('never drops an hour another refresh is still reading or its caller is about to use', async () => {
    await commit(0, '0', [ev(1)]); // hour 9: one stored id
    await commit(1, '0', [ev(2, H10), ev(3, H10)]); // hour 10: two
    const index = new DurableEventIdIndex(backend, { maxIds: 1 });
    // The listing of hour 9 is held back, as a slow storage answer would be, while a refresh of hour 10 completes.
    let releaseList!: () => void;
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    const list = backend.list.bind(backend);
    jest.spyOn(backend, 'list').mockImplementation(async (prefix) => {
      if (prefix.includes('hour=09')) await listHeld;
      return list(prefix);
    });
    const slow = index.refresh([ev(1)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await index.refresh([ev(2, H10)]); // over the budget: it evicts what it may
    releaseList();
    await slow;
    // Hour 9 was in use throughout: its id is known, not mistaken for new.
    expect(index.has(ev(1).event_id, Date.parse(H9))).toBe(true);
    expect(index.findStored([ev(1)])).toEqual([0]);
  });
});
