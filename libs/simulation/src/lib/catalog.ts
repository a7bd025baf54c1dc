import type { Currency, ProductRef } from '@pipeline/events';
import { CATEGORIES, type CategorySpec } from './reference-data';
import { SeededRandom, WeightedTable } from './random';

export const SHOP_CURRENCY: Currency = 'USD';

export interface Product {
  product_id: string;
  name: string;
  category: string;
  categorySlug: string;
  price_cents: number;
  /** Relative popularity (Zipf-like): a few best sellers get most of the views. */
  popularity: number;
  /** Chance that an add_to_cart is for more than one unit. */
  multiBuyChance: number;
  /** What a shopper would type to find it, e.g. "wireless earbuds". */
  keyword: string;
}

export interface CategoryInfo {
  name: string;
  slug: string;
  products: readonly Product[];
}

/**
 * Draws a price in integer cents, log-uniform inside the band (many cheap items, few expensive ones),
 * with retail endings: mostly .99, some .49/.95, some whole dollars.
 */
export function drawPriceCents(rng: SeededRandom, minUsd: number, maxUsd: number): number {
  const dollars = Math.floor(Math.exp(Math.log(minUsd) + rng.float() * (Math.log(maxUsd) - Math.log(minUsd))));
  const ending = rng.float();
  let cents: number;
  if (ending < 0.7) cents = dollars * 100 + 99;
  else if (ending < 0.8) cents = dollars * 100 + 49;
  else if (ending < 0.85) cents = dollars * 100 + 95;
  else cents = dollars * 100;
  // x.99 of the top dollar would leave the band; step down to (max - 1).99 instead.
  const maxCents = maxUsd * 100;
  return cents > maxCents ? maxCents - 1 : Math.max(cents, minUsd * 100);
}

function productName(rng: SeededRandom, spec: CategorySpec, noun: string): string {
  if (spec.name === 'Books') return `${rng.faker.book.title()} (${noun})`;
  return rng.chance(0.5)
    ? `${rng.faker.commerce.productAdjective()} ${noun}`
    : `${rng.faker.person.lastName()} ${noun}`;
}

/**
 * A catalog of `size` products spread over the categories by their catalog share. Names are unique
 * (a colour is added on a clash) so product_id <-> name is a clean 1:1 mapping for reports.
 */
export function buildCatalog(rng: SeededRandom, size: number): Product[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`catalog size must be a positive integer, got ${size}`);
  const categoryTable = new WeightedTable(CATEGORIES.map((spec) => ({ value: spec, weight: spec.catalogShare })));
  const usedNames = new Set<string>();
  const products: Product[] = [];
  for (let i = 0; i < size; i++) {
    // The first products go round-robin so even a tiny catalog covers every category.
    const spec = i < CATEGORIES.length ? CATEGORIES[i] : rng.weighted(categoryTable);
    const noun = rng.pick(spec.nouns);
    const baseName = productName(rng, spec, noun);
    let name = baseName;
    for (let attempt = 0; usedNames.has(name); attempt++) {
      name = attempt < 5 ? `${baseName}, ${capitalize(rng.faker.color.human())}` : `${baseName} #${i + 1}`;
    }
    usedNames.add(name);
    products.push({
      product_id: `p-${String(i + 1).padStart(5, '0')}`,
      name,
      category: spec.name,
      categorySlug: spec.slug,
      price_cents: drawPriceCents(rng, spec.minPriceUsd, spec.maxPriceUsd),
      popularity: 0,
      multiBuyChance: spec.multiBuyChance,
      keyword: noun.toLowerCase(),
    });
  }
  // Popularity by a shuffled rank, so best sellers are spread across categories and ids.
  const ranks = products.map((_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
  }
  products.forEach((product, i) => (product.popularity = 1 / Math.pow(ranks[i] + 1, 0.9)));
  return products;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function toProductRef(product: Product): ProductRef {
  return {
    product_id: product.product_id,
    name: product.name,
    category: product.category,
    price_cents: product.price_cents,
    currency: SHOP_CURRENCY,
  };
}

/** Read-side indexes over the catalog the sessions browse with. */
export class Catalog {
  readonly categories: readonly CategoryInfo[];
  private readonly byPopularity: WeightedTable<Product>;
  private readonly categoryByPopularity: WeightedTable<CategoryInfo>;
  private readonly productTables = new Map<string, WeightedTable<Product>>();
  private readonly resultCounts = new Map<string, number>();
  private readonly lowerNames: string[];

  constructor(readonly products: readonly Product[]) {
    const groups = new Map<string, Product[]>();
    for (const p of products) {
      const group = groups.get(p.category);
      if (group) group.push(p);
      else groups.set(p.category, [p]);
    }
    this.categories = [...groups.entries()].map(([name, list]) => ({ name, slug: list[0].categorySlug, products: list }));
    this.byPopularity = new WeightedTable(products.map((p) => ({ value: p, weight: p.popularity })));
    this.categoryByPopularity = new WeightedTable(
      this.categories.map((c) => ({ value: c, weight: c.products.reduce((sum, p) => sum + p.popularity, 0) })),
    );
    for (const c of this.categories) {
      this.productTables.set(c.name, new WeightedTable(c.products.map((p) => ({ value: p, weight: p.popularity }))));
    }
    this.lowerNames = products.map((p) => `${p.name} ${p.category}`.toLowerCase());
  }

  popularProduct(rng: SeededRandom): Product {
    return rng.weighted(this.byPopularity);
  }

  popularCategory(rng: SeededRandom): CategoryInfo {
    return rng.weighted(this.categoryByPopularity);
  }

  popularProductIn(rng: SeededRandom, category: string): Product {
    const table = this.productTables.get(category);
    return table ? rng.weighted(table) : this.popularProduct(rng);
  }

  /** How many products a site search for `query` would list: every product whose name or category contains it. */
  resultsCount(query: string): number {
    const cached = this.resultCounts.get(query);
    if (cached !== undefined) return cached;
    const needle = query.toLowerCase();
    const count = this.lowerNames.reduce((n, text) => (text.includes(needle) ? n + 1 : n), 0);
    this.resultCounts.set(query, count);
    return count;
  }
}
