import { validateEventWithDtos, decodeEvent } from './event-codec';
import { EVENT_COLUMNS, toEventRow } from './event-columns';
import { isCertainlyValidEvent } from './event-fast-check';
import { EVENT_DTO_BY_TYPE, EVENT_KINDS, EVENT_TYPES, eventKind, findEventKind, isEventType } from './event-kinds';
import { shopEventFromRow } from './event-row';
import { sampleEvent, sampleEventOfEachKind } from './event.fixtures';
import { ENVELOPE_KEYS } from './kinds/envelope';

describe('event kinds registry', () => {
  it('lists the kinds once, in the order every table and chart follows', () => {
    expect(EVENT_TYPES).toEqual(['page_view', 'search', 'add_to_cart', 'remove_from_cart', 'purchase']);
    expect(Object.keys(EVENT_DTO_BY_TYPE)).toEqual(EVENT_TYPES);
    expect(new Set(EVENT_KINDS.map((k) => k.countColumn)).size).toBe(EVENT_KINDS.length);
    expect(new Set(EVENT_KINDS.map((k) => k.label)).size).toBe(EVENT_KINDS.length);
    expect(new Set(EVENT_KINDS.map((k) => k.colour)).size).toBe(EVENT_KINDS.length);
  });

  it('finds no kind for names that live on Object.prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(isEventType(name)).toBe(false);
      expect(findEventKind(name)).toBeUndefined();
      const candidate = { ...sampleEvent('search'), event_type: name };
      expect(isCertainlyValidEvent(candidate)).toBe(false);
      expect(decodeEvent(Buffer.from(JSON.stringify(candidate)))).toMatchObject({ ok: false, reason: 'unknown_event_type' });
    }
    expect(() => eventKind('constructor' as never)).toThrow(/unknown event_type/);
  });

  describe.each(EVENT_KINDS.map((kind) => [kind.type, kind] as const))('%s', (type, kind) => {
    const sample = kind.sample();

    it('has a sample the DTO and the fast check both accept', () => {
      expect(sample.event_type).toBe(type);
      expect(validateEventWithDtos(sample)).toEqual({ ok: true, event: sample });
      expect(isCertainlyValidEvent(JSON.parse(JSON.stringify(sample)))).toBe(true);
    });

    it('declares exactly the keys its sample has beyond the envelope', () => {
      const own = Object.keys(sample).filter((key) => !ENVELOPE_KEYS.includes(key));
      expect(own.sort()).toEqual([...kind.keys].sort());
      expect(kind.nullableKeys.every((key) => kind.keys.includes(key))).toBe(true);
    });

    it('refuses an unknown key in the fast check (class-validator decides)', () => {
      expect(isCertainlyValidEvent({ ...JSON.parse(JSON.stringify(sample)), extra: 1 })).toBe(false);
    });

    it('round-trips through the stored columns', () => {
      const row = toEventRow(sample);
      expect(Object.keys(row)).toEqual(EVENT_COLUMNS.map((c) => c.name));
      expect(shopEventFromRow(row)).toEqual(sample);
    });

    it('fills only columns of the layout, and every required one', () => {
      const names = new Set(EVENT_COLUMNS.map((c) => c.name));
      expect(Object.keys(kind.columns).filter((name) => !names.has(name))).toEqual([]);
      const row = toEventRow(sample);
      for (const column of EVENT_COLUMNS.filter((c) => c.required)) expect(row[column.name]).not.toBeNull();
    });

    it('names quality fields by stored columns', () => {
      const names = new Set(EVENT_COLUMNS.map((c) => c.name));
      expect(kind.qualityFields.map((f) => f.column).filter((name) => !names.has(name))).toEqual([]);
    });
  });

  it('samples one event of each kind', () => {
    expect(sampleEventOfEachKind().map((e) => e.event_type)).toEqual(EVENT_TYPES);
  });
});
