const MAX_LOAD = 0.7;
const imul = Math.imul;

/**
 * Value of each hex digit by character code, -1 for every other code below 128. One table read per character
 * instead of range tests: a UUID is parsed for every event twice (duplicate check, then commit).
 */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/** Writes the 128 bits of a UUID string (any case, with dashes) into out as four int32 words; false if not a UUID. */
export function uuidWords(id: string, out: Int32Array): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== DASH || id.charCodeAt(13) !== DASH || id.charCodeAt(18) !== DASH || id.charCodeAt(23) !== DASH) {
    return false;
  }
  const w0 = (hex4(id, 0) << 16) | hex4(id, 4);
  const w1 = (hex4(id, 9) << 16) | hex4(id, 14);
  const w2 = (hex4(id, 19) << 16) | hex4(id, 24);
  const w3 = (hex4(id, 28) << 16) | hex4(id, 32);
  if (hex4Invalid !== 0) {
    hex4Invalid = 0;
    return false;
  }
  out[0] = w0;
  out[1] = w1;
  out[2] = w2;
  out[3] = w3;
  return true;
}

/** Where each of a UUID's 16 bytes starts in its 36-character text (two hex digits each, dashes skipped). */
const UUID_BYTE_OFFSETS = Uint8Array.of(0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34);

/**
 * Writes the 16 bytes of a UUID string (any case, with dashes) into out[at..at+16), big-endian as the text reads
 * (the `.ids` file layout); false if not a UUID, with out[at..at+16) then undefined. Straight from the characters
 * to bytes: encoding a batch's id file was a third parse of every id through words and writeInt32BE.
 */
export function uuidBytes(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== DASH || id.charCodeAt(13) !== DASH || id.charCodeAt(18) !== DASH || id.charCodeAt(23) !== DASH) {
    return false;
  }
  let invalid = 0;
  for (let i = 0; i < 16; i++) {
    const from = UUID_BYTE_OFFSETS[i];
    const high = hexValue(id.charCodeAt(from));
    const low = hexValue(id.charCodeAt(from + 1));
    // Any -1 makes the OR negative.
    invalid |= high | low;
    out[at + i] = (high << 4) | low;
  }
  return invalid >= 0;
}

const DASH = 45;
// Set by hex4 on a non-hex character: module state so parsing allocates nothing.
let hex4Invalid = 0;

/** The 16-bit value of 4 hex digits at s[at..at+4); flags hex4Invalid on any other character. */
function hex4(s: string, at: number): number {
  const a = hexValue(s.charCodeAt(at));
  const b = hexValue(s.charCodeAt(at + 1));
  const c = hexValue(s.charCodeAt(at + 2));
  const d = hexValue(s.charCodeAt(at + 3));
  // Any -1 makes the OR negative.
  hex4Invalid |= (a | b | c | d) & 0x80000000;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code] : -1;
}

/**
 * An exact set of UUIDs: 128 bits per id in one flat Int32Array (open addressing, linear probing).
 *
 * Why not Set<string>: a stored hour can hold tens of millions of ids; a Set entry plus its 36-char string costs
 * ~100 bytes and V8 caps a Set at 2^24 entries. Here an id costs 16 bytes per slot (~23-46 bytes at a 0.35-0.7
 * load) and lives outside the JS heap. Unlike a fingerprint set it never answers "seen" for an id it was not
 * given: a false "seen" here would refuse a valid event, which a finance figure cannot afford.
 */
export class EventIdSet {
  private words: Int32Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;
  private readonly scratch = new Int32Array(4);

  constructor(expectedSize = 1024) {
    let capacity = 16;
    while (capacity * MAX_LOAD < expectedSize) capacity *= 2;
    this.words = new Int32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (for memory budgets). */
  get byteLength(): number {
    return this.words.byteLength + this.used.byteLength;
  }

  /** False for a string that is not a UUID (the contract refuses those before they get here). */
  has(id: string): boolean {
    if (!uuidWords(id, this.scratch)) return false;
    return this.slotOf(this.scratch, 0) < 0;
  }

  /** Adds the id; false when it was present already. Throws for a string that is not a UUID. */
  add(id: string): boolean {
    if (!uuidWords(id, this.scratch)) throw new Error(`not a UUID: ${JSON.stringify(id)}`);
    return this.addWords(this.scratch, 0);
  }

  /** Adds ids given as consecutive 16-byte big-endian UUIDs (the `.ids` file body, see event-id-file). */
  addPacked(packed: Int32Array): number {
    let added = 0;
    for (let at = 0; at < packed.length; at += 4) if (this.addWords(packed, at)) added++;
    return added;
  }

  private addWords(source: Int32Array, at: number): boolean {
    const slot = this.slotOf(source, at);
    if (slot < 0) return false;
    this.place(slot, source, at);
    this.count++;
    if (this.count > this.used.length * MAX_LOAD) this.grow();
    return true;
  }

  private place(slot: number, source: Int32Array, at: number): void {
    const base = slot * 4;
    this.words[base] = source[at];
    this.words[base + 1] = source[at + 1];
    this.words[base + 2] = source[at + 2];
    this.words[base + 3] = source[at + 3];
    this.used[slot] = 1;
  }

  /** The free slot where the id would go, or -1 when it is present. */
  private slotOf(source: Int32Array, at: number): number {
    const w0 = source[at];
    const w1 = source[at + 1];
    const w2 = source[at + 2];
    const w3 = source[at + 3];
    // UUIDv4 bits are random, but mix anyway: ids of other generators may share prefixes.
    let slot = (imul(w0 ^ w3, 0x9e3779b1) ^ imul(w1 ^ w2, 0x85ebca6b)) & this.mask;
    for (;;) {
      if (this.used[slot] === 0) return slot;
      const base = slot * 4;
      const words = this.words;
      if (words[base] === w0 && words[base + 1] === w1 && words[base + 2] === w2 && words[base + 3] === w3) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldWords = this.words;
    const oldUsed = this.used;
    const capacity = oldUsed.length * 2;
    this.words = new Int32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i] === 0) continue;
      this.place(this.slotOf(oldWords, i * 4), oldWords, i * 4);
    }
  }
}
