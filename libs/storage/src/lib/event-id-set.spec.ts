import { randomUUID } from 'node:crypto';
import { decodeEventIdFile, encodeEventIdFile, formatPackedId } from './event-id-file';
import { EventIdSet, uuidWords } from './event-id-set';

describe('uuidWords', () => {
  it('reads the 128 bits of a UUID in any case and refuses anything else', () => {
    const words = new Int32Array(4);
    expect(uuidWords('00112233-4455-6677-8899-aabbccddeeff', words)).toBe(true);
    expect([...words].map((w) => (w >>> 0).toString(16).padStart(8, '0'))).toEqual(['00112233', '44556677', '8899aabb', 'ccddeeff']);
    const upper = new Int32Array(4);
    expect(uuidWords('00112233-4455-6677-8899-AABBCCDDEEFF', upper)).toBe(true);
    expect([...upper]).toEqual([...words]);
    for (const bad of ['', 'x', '00112233-4455-6677-8899-aabbccddeefg', '0011223344556677-8899-aabb-ccddeeff', '00112233-4455-6677-8899-aabbccddeef']) {
      expect(uuidWords(bad, new Int32Array(4))).toBe(false);
    }
  });

  it('refuses a non-hex character at any digit position, and the next UUID still parses', () => {
    const valid = '00112233-4455-6677-8899-aabbccddeeff';
    const words = new Int32Array(4);
    // Neighbours of the digit ranges in ASCII, a Latin-1 letter, a fullwidth "a" and a UTF-16 surrogate.
    const strangers = ['/', ':', '@', 'G', '`', 'g', '\u00e9', '\uff41', '\ud83d'];
    const refused: string[] = [];
    for (let at = 0; at < valid.length; at++) {
      if (valid[at] === '-') continue;
      for (const stranger of strangers) {
        const bad = valid.slice(0, at) + stranger + valid.slice(at + 1);
        if (!uuidWords(bad, words)) refused.push(bad);
      }
    }
    expect(refused).toHaveLength(32 * strangers.length);
    expect(uuidWords(valid, words)).toBe(true);
    expect([...words].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('')).toBe(valid.replace(/-/g, ''));
  });
});

describe('EventIdSet', () => {
  it('answers exactly over 200,000 ids, through several resizes', () => {
    const ids = Array.from({ length: 200_000 }, () => randomUUID());
    const set = new EventIdSet();
    // One expect per loop: jest's matchers cost more than the table itself.
    expect(ids.filter((id) => !set.add(id))).toEqual([]);
    expect(set.size).toBe(200_000);
    expect(ids.filter((id) => !set.has(id))).toEqual([]);
    expect(ids.slice(0, 1000).filter((id) => set.add(id.toUpperCase()))).toEqual([]);
    // Ids that differ from stored ones in one bit only are not "seen": nothing but the full 128 bits decides.
    const flipped = ids.slice(0, 1000).map((id) => id.slice(0, -1) + (id.endsWith('0') ? '1' : '0'));
    expect(flipped.filter((id) => set.has(id))).toEqual([]);
    expect(set.size).toBe(200_000);
  });

  it('refuses to add a string that is not a UUID, and never reports one as present', () => {
    const set = new EventIdSet();
    expect(() => set.add('not-a-uuid')).toThrow(/not a UUID/);
    expect(set.has('not-a-uuid')).toBe(false);
  });
});

describe('event id files', () => {
  it('round-trips ids, 16 bytes each plus a 12-byte header', () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const bytes = encodeEventIdFile(ids);
    expect(bytes.length).toBe(12 + 16 * 1000);
    const packed = decodeEventIdFile(bytes);
    expect(Array.from({ length: 1000 }, (_, i) => formatPackedId(packed, i))).toEqual(ids);
    const set = new EventIdSet();
    expect(set.addPacked(packed)).toBe(1000);
    expect(set.addPacked(packed)).toBe(0);
  });

  it('stores each id as its 16 bytes in text order, whatever the case of its hex digits', () => {
    const ids = [...Array.from({ length: 200 }, () => randomUUID()), 'ABCDEF01-2345-6789-ABCD-EF0123456789', '00000000-0000-0000-0000-000000000000'];
    const bytes = encodeEventIdFile(ids);
    const expected = Buffer.concat(ids.map((id) => Buffer.from(id.replace(/-/g, ''), 'hex')));
    expect(bytes.subarray(12).equals(expected)).toBe(true);
    expect(bytes.readUInt32BE(8)).toBe(ids.length);
  });

  it('refuses an id that is not a UUID, whichever character is wrong', () => {
    const good = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const bad = [
      '',
      good.slice(1),
      `${good}0`,
      good.replace('-', '0'),
      ...[0, 7, 9, 35].map((at) => `${good.slice(0, at)}g${good.slice(at + 1)}`),
      `${good.slice(0, 20)}\u00e9${good.slice(21)}`,
      `${good.slice(0, 35)}\u0130`,
    ];
    for (const id of bad) expect(() => encodeEventIdFile([good, id])).toThrow(/not a UUID/);
    expect(encodeEventIdFile([good]).length).toBe(28);
  });

  it('refuses a truncated or foreign file', () => {
    const bytes = encodeEventIdFile([randomUUID(), randomUUID()]);
    expect(() => decodeEventIdFile(bytes.subarray(0, bytes.length - 1), 'k.ids')).toThrow(/k.ids is truncated/);
    expect(() => decodeEventIdFile(Buffer.from('PAR1....'), 'k.ids')).toThrow(/not an event id file/);
  });
});
