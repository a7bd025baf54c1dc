import { buildCatalog, Catalog, drawPriceCents } from './catalog';
import { SeededRandom } from './random';
import { CATEGORIES } from './reference-data';
import { buildUsers, UserPopulation } from './users';

describe('catalog', () => {
  const products = buildCatalog(SeededRandom.fromSeed(1), 200);

  it('has the requested size, unique ids and unique names', () => {
    expect(products).toHaveLength(200);
    expect(new Set(products.map((p) => p.product_id)).size).toBe(200);
    expect(new Set(products.map((p) => p.name)).size).toBe(200);
  });

  it('prices every product in integer cents inside its category band, mostly ending in 99', () => {
    const outside = products.filter((p) => {
      const band = CATEGORIES.find((c) => c.name === p.category);
      return !band || !Number.isInteger(p.price_cents) || p.price_cents < band.minPriceUsd * 100 || p.price_cents > band.maxPriceUsd * 100;
    });
    expect(outside).toEqual([]);
    expect(products.filter((p) => p.price_cents % 100 === 99).length / products.length).toBeGreaterThan(0.5);
    const electronics = products.filter((p) => p.category === 'Electronics').map((p) => p.price_cents);
    const books = products.filter((p) => p.category === 'Books').map((p) => p.price_cents);
    expect(Math.max(...electronics)).toBeGreaterThan(Math.max(...books));
  });

  it('keeps drawn prices inside even a narrow band', () => {
    const rng = SeededRandom.fromSeed(9);
    const prices = Array.from({ length: 2_000 }, () => drawPriceCents(rng, 5, 6));
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...prices)).toBeLessThanOrEqual(600);
  });

  it('covers every category even when tiny', () => {
    const tiny = buildCatalog(SeededRandom.fromSeed(2), CATEGORIES.length);
    expect(new Set(tiny.map((p) => p.category))).toEqual(new Set(CATEGORIES.map((c) => c.name)));
  });

  it('counts search results as the products whose name or category contain the query', () => {
    const catalog = new Catalog(products);
    const first = products[0];
    expect(catalog.resultsCount(first.name.toLowerCase())).toBeGreaterThanOrEqual(1);
    expect(catalog.resultsCount(first.category.toLowerCase())).toBe(products.filter((p) => p.category === first.category).length);
    expect(catalog.resultsCount('no such thing xyz')).toBe(0);
  });

  it('is reproducible from the seed', () => {
    expect(buildCatalog(SeededRandom.fromSeed(1), 200)).toEqual(products);
    expect(buildCatalog(SeededRandom.fromSeed(2), 200)).not.toEqual(products);
  });
});

describe('users', () => {
  it('have unique ids, valid countries and a heavy-tailed visit frequency', () => {
    const users = buildUsers(SeededRandom.fromSeed(3), 5_000);
    expect(new Set(users.map((u) => u.user_id)).size).toBe(5_000);
    const population = new UserPopulation(users);
    const rng = SeededRandom.fromSeed(4);
    const visits = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const { user } = population.visitor(rng);
      visits.set(user.user_id, (visits.get(user.user_id) ?? 0) + 1);
    }
    const counts = [...visits.values()].sort((a, b) => b - a);
    // The top 10% of users account for far more than 10% of the visits.
    const top = counts.slice(0, 500).reduce((a, b) => a + b, 0);
    expect(top / 50_000).toBeGreaterThan(0.2);
  });
});
