import { compactClosedHours } from './hour-compaction';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { eventStream } from './testing/event-factory';
import { visibleEventIds, visibleIdFileIds, writeCommittedBatches } from './testing/compaction-fixtures';
import { makeTempDir } from './testing/temp-dir';

jest.setTimeout(600_000);

/**
 * A day at 1 event/s: 86,400 events over 24 hours, stored as ~2,000 small batches over 3 partitions (what a
 * processor flushing every few seconds writes), then one compaction of the closed hours.
 */
describe('a day at 1 event/s, compacted', () => {
  const PARTITIONS = 3;
  const EVENTS = eventStream(86_400, '2026-11-27T00:00:00.000Z', 24, 3);

  it('ends with at most 24 x partitions event files, every event exactly once', async () => {
    const temp = makeTempDir('day');
    try {
      const backend = new LocalFileSystemBackend(temp.dir);
      const { batches, hours } = await writeCommittedBatches(backend, EVENTS, { partitions: PARTITIONS, batchSize: 44 });
      expect(batches).toBeGreaterThanOrEqual(1_950);
      expect(hours.size).toBe(24);
      const filesBefore = (await backend.list('events')).length;
      expect(filesBefore).toBeGreaterThan(batches);

      const result = await compactClosedHours(backend, { now: () => Date.parse('2026-11-29T00:00:00.000Z') });
      expect(result.hours).toHaveLength(24);
      expect(result.hours.every((h) => h.outcome === 'compacted')).toBe(true);
      const eventFiles = await backend.list('events');
      expect(eventFiles.length).toBeLessThanOrEqual(24 * PARTITIONS);
      expect(eventFiles).toHaveLength(24);
      expect(await backend.list('partials')).toHaveLength(24);
      expect(await backend.list('ids')).toHaveLength(24);
      const ids = EVENTS.map((e) => e.event_id).sort();
      expect(await visibleEventIds(backend)).toEqual(ids);
      expect(await visibleIdFileIds(backend)).toEqual(ids);

      const before = result.hours.reduce((n, h) => n + h.sourceEventBytes, 0);
      const after = result.hours.reduce((n, h) => n + h.outputEventBytes, 0);
      process.stdout.write(
        `day at 1 ev/s: ${batches} batches, ${filesBefore} event files -> ${eventFiles.length}; ` +
          `${(before / EVENTS.length).toFixed(1)} -> ${(after / EVENTS.length).toFixed(1)} B/event; compaction ${result.durationMs} ms\n`,
      );
    } finally {
      temp.cleanup();
    }
  });
});
