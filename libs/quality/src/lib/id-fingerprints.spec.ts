import { findDuplicateIds, findDuplicateIndices, IdFingerprintSet } from './id-fingerprints';
import { hourStartMs, HourlySeenIds, SeenIds } from './seen-ids';
import { uuidFor } from './testing/event-variants';

describe('IdFingerprintSet', () => {
  it('behaves as a set of strings while growing far past its initial capacity', () => {
    const set = new IdFingerprintSet(4);
    let added = 0;
    for (let i = 0; i < 50_000; i++) if (set.add(uuidFor(i))) added++;
    expect(added).toBe(50_000);
    expect(set.size).toBe(50_000);
    let readded = 0;
    for (let i = 0; i < 50_000; i += 997) if (set.add(uuidFor(i))) readded++;
    expect(readded).toBe(0);
    expect(set.has(uuidFor(49_999))).toBe(true);
    expect(set.has(uuidFor(50_000))).toBe(false);
    expect(set.has('')).toBe(false);
    expect(set.add('')).toBe(true);
    expect(set.has('')).toBe(true);
  });
});

describe('findDuplicateIndices / findDuplicateIds', () => {
  it('returns later occurrences only, exactly, and ignores non-string ids', () => {
    const ids = ['a', 'b', 'a', null, null, 'c', 'a', 'b'];
    expect(findDuplicateIndices(ids)).toEqual([2, 6, 7]);
    expect(findDuplicateIds(ids)).toEqual([
      { id: 'a', occurrences: 3 },
      { id: 'b', occurrences: 2 },
    ]);
    expect(findDuplicateIndices([])).toEqual([]);
  });

  it('answers alike for a micro-batch (exact Set) and an hour-sized list (fingerprints)', () => {
    const naive = (ids: readonly unknown[]) => {
      const seen = new Set<unknown>();
      return ids.flatMap((id, i) => (typeof id !== 'string' ? [] : seen.has(id) ? [i] : (seen.add(id), [])));
    };
    const batch = Array.from({ length: 3_000 }, (_, i) => (i % 97 === 0 ? null : uuidFor(i % 2_900)));
    expect(findDuplicateIndices(batch)).toEqual(naive(batch));
    const hour = [...batch, ...Array.from({ length: 70_000 }, (_, i) => uuidFor(10_000 + i)), ...batch];
    expect(findDuplicateIndices(hour)).toEqual(naive(hour));
  });

  it('handles an hour-sized id list', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => uuidFor(i));
    ids.push(uuidFor(123_456), uuidFor(7));
    expect(findDuplicateIndices(ids)).toEqual([200_000, 200_001]);
  });
});

describe('SeenIds / HourlySeenIds', () => {
  const at = (iso: string) => Date.parse(iso);

  it('keys ids by the UTC hour of their event time', () => {
    const seen = new HourlySeenIds();
    expect(seen.add('x', at('2026-11-27T10:00:00.000Z'))).toBe(true);
    expect(seen.add('x', at('2026-11-27T10:59:59.999Z'))).toBe(false);
    expect(seen.has('x', at('2026-11-27T10:30:00.000Z'))).toBe(true);
    expect(seen.has('x', at('2026-11-27T11:00:00.000Z'))).toBe(false);
    expect(seen.forHour(at('2026-11-27T10:42:00.000Z'))).toBeInstanceOf(SeenIds);
    expect(seen.forHour(at('2026-11-27T10:42:00.000Z')).size).toBe(1);
  });

  it('evicts hours that can no longer receive events', () => {
    const seen = new HourlySeenIds();
    seen.add('a', at('2026-11-27T08:10:00.000Z'));
    seen.add('b', at('2026-11-27T09:10:00.000Z'));
    seen.add('c', at('2026-11-27T10:10:00.000Z'));
    seen.evictBefore(at('2026-11-27T09:00:00.000Z'));
    expect(seen.heldHours()).toEqual([at('2026-11-27T09:00:00.000Z'), at('2026-11-27T10:00:00.000Z')]);
    expect(seen.has('a', at('2026-11-27T08:10:00.000Z'))).toBe(false);
  });

  it('hourStartMs floors to the hour', () => {
    expect(hourStartMs(at('2026-11-27T10:59:59.999Z'))).toBe(at('2026-11-27T10:00:00.000Z'));
  });
});
