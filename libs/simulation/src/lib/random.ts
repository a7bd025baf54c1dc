import { base, en, Faker, generateMersenne53Randomizer, type Randomizer } from '@faker-js/faker';

/**
 * A private, seeded faker instance. Never the global `faker`: another module seeding or drawing from it
 * would silently change our stream, and reproducibility is the whole point of a seed.
 */
export function createSeededFaker(seed: number, randomizer: Randomizer = generateMersenne53Randomizer()): Faker {
  // Faker's own default randomizer is this one (Mersenne twister, 53-bit floats); it is passed in so that
  // SeededRandom can draw from it directly.
  const faker = new Faker({ locale: [en, base], randomizer });
  faker.seed(seed);
  return faker;
}

/**
 * Derives an independent 32-bit seed per concern (catalog, users, sessions, faults) from the user's seed,
 * so e.g. turning on fault injection or resizing the catalog does not reshuffle the users or the sessions.
 */
export function deriveSeed(seed: number, label: string): number {
  // FNV-1a over the label, mixed with both 32-bit halves of the seed (seeds may exceed 2^32).
  let hash = 0x811c9dc5 ^ (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x9e3779b1);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so nearby seeds give unrelated streams.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export interface Weighted<T> {
  value: T;
  weight: number;
}

/** A weighted list prepared once for O(log n) sampling. */
export class WeightedTable<T> {
  private readonly values: T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly Weighted<T>[]) {
    if (entries.length === 0) throw new RangeError('a weighted table needs at least one entry');
    this.values = entries.map((e) => e.value);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach((entry, i) => {
      if (!(entry.weight >= 0) || !Number.isFinite(entry.weight)) throw new RangeError(`bad weight ${entry.weight}`);
      sum += entry.weight;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new RangeError('weights must not all be zero');
    this.total = sum;
  }

  get size(): number {
    return this.values.length;
  }

  /** Maps a uniform draw u in [0, 1) to an entry. */
  at(u: number): T {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}

const TWO_POW_32 = 0x1_0000_0000;
/** The two ASCII hex digits of each byte value, at 2 * byte and 2 * byte + 1. */
const HEX_DIGITS: Uint8Array = Uint8Array.from(
  Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join(''),
  (digit) => digit.charCodeAt(0),
);
const DASH = 0x2d;
/** Where uuid() spells its 36 characters; one per process is enough (it is read back at once). */
const UUID_TEXT = Buffer.alloc(36);

function putHex(at: number, byte: number): void {
  UUID_TEXT[at] = HEX_DIGITS[2 * byte];
  UUID_TEXT[at + 1] = HEX_DIGITS[2 * byte + 1];
}

/**
 * The few random primitives the simulation needs, all drawn from one seeded faker. Goes through
 * `faker.number.int` (tens of millions of draws/s) rather than richer faker helpers on the hot path.
 */
export class SeededRandom {
  /**
   * @param randomizer the one `faker` draws from, when the caller has it: a draw then skips faker.number.int's
   * option handling (a third of the simulation's time went there) and gives the same number.
   */
  constructor(
    readonly faker: Faker,
    private readonly randomizer: Randomizer | null = null,
  ) {}

  static fromSeed(seed: number): SeededRandom {
    const randomizer = generateMersenne53Randomizer();
    return new SeededRandom(createSeededFaker(seed, randomizer), randomizer);
  }

  /**
   * Uniform integer in [0, 2^32): exactly `faker.number.int(0xffff_ffff)`, which is
   * `Math.floor(next() * (0xffff_ffff - 0 + 1) + 0) * 1` with next() its randomizer's draw in [0, 1).
   */
  private uint32(): number {
    return this.randomizer === null ? this.faker.number.int(0xffff_ffff) : Math.floor(this.randomizer.next() * TWO_POW_32);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  weighted<T>(table: WeightedTable<T>): T {
    return table.at(this.float());
  }

  /** Exponential with the given mean: memoryless waits, like real think times and arrivals. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Number of further steps with a constant stop probability per step (mean = (1 - p) / p). */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const stop = 1 / (mean + 1);
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - stop));
  }

  /**
   * RFC 4122 version-4 UUID from the seeded stream. Same shape as `faker.string.uuid()` but built from four
   * 32-bit draws instead of 31 single-hex draws, which is ~10x faster and this runs once per event. Spelled into
   * bytes and read back as one flat string: 20 concatenated pieces made a string of 20 parts that every reader
   * (the JSON encoder, a Map lookup) had to flatten first, ~0.4 µs more per id.
   */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    putHex(0, a >>> 24);
    putHex(2, (a >>> 16) & 0xff);
    putHex(4, (a >>> 8) & 0xff);
    putHex(6, a & 0xff);
    UUID_TEXT[8] = DASH;
    putHex(9, b >>> 24);
    putHex(11, (b >>> 16) & 0xff);
    UUID_TEXT[13] = DASH;
    putHex(14, ((b >>> 8) & 0x0f) | 0x40); // version 4
    putHex(16, b & 0xff);
    UUID_TEXT[18] = DASH;
    putHex(19, ((c >>> 24) & 0x3f) | 0x80); // variant 10xx
    putHex(21, (c >>> 16) & 0xff);
    UUID_TEXT[23] = DASH;
    putHex(24, (c >>> 8) & 0xff);
    putHex(26, c & 0xff);
    putHex(28, d >>> 24);
    putHex(30, (d >>> 16) & 0xff);
    putHex(32, (d >>> 8) & 0xff);
    putHex(34, d & 0xff);
    return UUID_TEXT.toString('latin1', 0, 36);
  }
}
