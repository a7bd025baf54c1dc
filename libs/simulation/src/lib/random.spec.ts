import { createSeededFaker, deriveSeed, SeededRandom, WeightedTable } from './random';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('SeededRandom', () => {
  it('repeats the same draws for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const rng = SeededRandom.fromSeed(seed);
      return [rng.float(), rng.int(1, 6), rng.uuid(), rng.faker.person.lastName()];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws what faker.number.int(0xffff_ffff) on a faker of the same seed draws, interleaved with faker helpers', () => {
    // Drawing from the randomizer directly must not change one number of the stream (--resume depends on it).
    for (const seed of [0, 1, 42, 20261127, 2 ** 31 - 1]) {
      const direct = SeededRandom.fromSeed(seed);
      const viaFaker = new SeededRandom(createSeededFaker(seed));
      const a: unknown[] = [];
      const b: unknown[] = [];
      for (let i = 0; i < 2_000; i++) {
        a.push(direct.float(), direct.uuid(), direct.int(1, 6));
        b.push(viaFaker.float(), viaFaker.uuid(), viaFaker.int(1, 6));
        if (i % 100 === 0) {
          a.push(direct.faker.person.lastName());
          b.push(viaFaker.faker.person.lastName());
        }
      }
      expect(a).toEqual(b);
      const plain = createSeededFaker(seed);
      const raw = SeededRandom.fromSeed(seed);
      expect(Array.from({ length: 1_000 }, () => raw.float() * 0x1_0000_0000)).toEqual(Array.from({ length: 1_000 }, () => plain.number.int(0xffff_ffff)));
    }
  });

  it('spells a UUID from its four 32-bit draws (version and variant bits set), as the concatenated hex did', () => {
    const ids = SeededRandom.fromSeed(3);
    const draws = SeededRandom.fromSeed(3);
    const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
    for (let i = 0; i < 5_000; i++) {
      const [a, b, c, d] = [0, 1, 2, 3].map(() => draws.float() * 0x1_0000_0000);
      const expected =
        `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex((((b >>> 8) & 0x0f) | 0x40) * 256 + (b & 0xff), 4)}-` +
        `${hex((((c >>> 24) & 0x3f) | 0x80) * 256 + ((c >>> 16) & 0xff), 4)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`;
      expect(ids.uuid()).toBe(expected);
    }
  });

  it('makes RFC 4122 v4 UUIDs that do not repeat', () => {
    const rng = SeededRandom.fromSeed(1);
    const ids = Array.from({ length: 20_000 }, () => rng.uuid());
    expect(ids.filter((id) => !UUID_V4.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws floats in [0, 1) and ints within bounds', () => {
    const rng = SeededRandom.fromSeed(2);
    const floats = Array.from({ length: 10_000 }, () => rng.float());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    const dice = new Set(Array.from({ length: 1_000 }, () => rng.int(1, 6)));
    expect([...dice].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('has the requested means for exponential and geometric draws', () => {
    const rng = SeededRandom.fromSeed(3);
    const mean = (f: () => number) => Array.from({ length: 50_000 }, f).reduce((a, b) => a + b, 0) / 50_000;
    expect(mean(() => rng.exponential(15_000)) / 15_000).toBeCloseTo(1, 1);
    expect(mean(() => rng.geometric(5))).toBeCloseTo(5, 0);
    expect(rng.geometric(0)).toBe(0);
  });
});

describe('WeightedTable', () => {
  it('samples in proportion to the weights', () => {
    const table = new WeightedTable([
      { value: 'a', weight: 1 },
      { value: 'b', weight: 0 },
      { value: 'c', weight: 3 },
    ]);
    const rng = SeededRandom.fromSeed(4);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[rng.weighted(table)]++;
    expect(counts['b']).toBe(0);
    expect(counts['c'] / counts['a']).toBeCloseTo(3, 0);
    expect(table.at(0)).toBe('a');
    expect(table.at(0.999999)).toBe('c');
  });

  it('rejects empty, negative and all-zero weights', () => {
    expect(() => new WeightedTable([])).toThrow();
    expect(() => new WeightedTable([{ value: 1, weight: -1 }])).toThrow();
    expect(() => new WeightedTable([{ value: 1, weight: 0 }])).toThrow();
  });
});

describe('deriveSeed', () => {
  it('gives independent, stable seeds per label', () => {
    expect(deriveSeed(42, 'users')).toBe(deriveSeed(42, 'users'));
    expect(deriveSeed(42, 'users')).not.toBe(deriveSeed(42, 'catalog'));
    expect(deriveSeed(42, 'users')).not.toBe(deriveSeed(43, 'users'));
    expect(deriveSeed(2 ** 40, 'users')).not.toBe(deriveSeed(0, 'users'));
  });
});
