import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const cache = () => new TtlCache<string>({ maxEntries: 2, ttlMs: 100, now: () => now });
  beforeEach(() => (now = 0));

  it('returns what was set until it expires', () => {
    const c = cache();
    c.set('a', 'A');
    now = 99;
    expect(c.get('a')).toBe('A');
    now = 100;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const c = cache();
    c.set('a', 'A');
    c.set('b', 'B');
    c.get('a');
    c.set('c', 'C');
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('shares one promise between callers and forgets a rejected one', async () => {
    const c = new TtlCache<Promise<string>>({ maxEntries: 4, ttlMs: 1_000 });
    let calls = 0;
    const failing = () => c.getOrCreate('k', () => (calls++, Promise.reject(new Error('boom'))));
    const first = failing();
    expect(failing()).toBe(first);
    await expect(first).rejects.toThrow('boom');
    expect(calls).toBe(1);
    const ok = c.getOrCreate('k', () => (calls++, Promise.resolve('v')));
    await expect(ok).resolves.toBe('v');
    expect(calls).toBe(2);
  });
});
