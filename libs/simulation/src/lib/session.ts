import {
  lineItemsRevenueCents,
  SCHEMA_VERSION,
  type AddToCartEvent,
  type Device,
  type EventEnvelope,
  type EventType,
  type LineItem,
  type PageViewEvent,
  type PaymentMethod,
  type PurchaseEvent,
  type RemoveFromCartEvent,
  type SearchEvent,
  type ShopEvent,
} from '@pipeline/events';
import { Catalog, SHOP_CURRENCY, toProductRef, type CategoryInfo, type Product } from './catalog';
import type { Scheduled } from './priority-queue';
import {
  LANDING_MIX,
  PAYMENT_MIX,
  paymentMethodAvailable,
  REFERRER_MIX,
  ZERO_RESULT_QUERIES,
} from './reference-data';
import { SeededRandom, WeightedTable } from './random';
import type { User } from './users';

/** Funnel knobs. Defaults give ~3% of sessions ending in a purchase (0.09 * 0.35), like a typical web shop. */
export interface FunnelRates {
  /** Share of sessions that add at least one item to the cart. */
  addToCartRate: number;
  /** Share of sessions with a cart that complete the purchase (the rest abandon). */
  cartConversionRate: number;
  /** Share of the sessions without shopping intent that leave after the landing page. */
  bounceRate: number;
  /** Chance that a browse step is a site search. */
  searchRate: number;
  /** Chance per browse step, while the cart holds something, of removing an item. */
  removeFromCartRate: number;
  /** Mean number of browse steps after the landing page (geometric). */
  meanPageViews: number;
}

export const DEFAULT_FUNNEL_RATES: Readonly<FunnelRates> = {
  addToCartRate: 0.09,
  cartConversionRate: 0.35,
  bounceRate: 0.4,
  searchRate: 0.15,
  removeFromCartRate: 0.08,
  meanPageViews: 5,
};

/** Shared, read-only inputs of every session of one simulation. */
export interface SessionContext {
  rng: SeededRandom;
  catalog: Catalog;
  rates: FunnelRates;
}

type Phase = 'landing' | 'browsing' | 'cart' | 'checkout' | 'purchase' | 'done';

interface CartLine {
  product: Product;
  quantity: number;
}

const referrers = new WeightedTable(REFERRER_MIX);
const landings = new WeightedTable(LANDING_MIX);
const payments = new WeightedTable(PAYMENT_MIX);

/** Chance that a non-buyer with a cart still opens the checkout page before leaving. */
const CHECKOUT_ABANDON_CHANCE = 0.35;
/** Share of searches for something the shop does not sell or misspelled. */
const ZERO_RESULT_SHARE = 0.08;
/** Chance of clicking a search result. */
const RESULT_CLICK_CHANCE = 0.7;

/**
 * One visit: a state machine that emits the visit's events one at a time, so many visits can interleave.
 * The intent (adds to cart? buys?) is drawn up front, which makes the funnel rates exact in expectation;
 * the path (which pages, searches, which products) is drawn as the visit unfolds.
 *
 * `referrer` is the visit's entry referrer, repeated on every event (session-level attribution, like
 * web analytics' "session source"): a purchase row can be grouped by traffic source without a join.
 */
export class Session implements Scheduled {
  /** When the next event is due (simulated ms); the priority-queue key. */
  time: number;
  readonly seq: number;
  readonly session_id: string;
  readonly user: User;
  readonly device: Device;
  readonly country: string;
  readonly referrer: string | null;

  private readonly addsToCart: boolean;
  private readonly purchases: boolean;
  private readonly bounces: boolean;
  private stepsLeft: number;
  private phase: Phase = 'landing';
  private viewing: Product | null = null;
  private category: CategoryInfo | null = null;
  private searchHit: Product | null = null;
  private readonly cart = new Map<string, CartLine>();
  private everAdded = false;

  constructor(
    private readonly ctx: SessionContext,
    visitor: { user: User; device: Device },
    startTime: number,
    seq: number,
  ) {
    const { rng, rates } = ctx;
    this.time = startTime;
    this.seq = seq;
    this.session_id = `s-${rng.uuid()}`;
    this.user = visitor.user;
    this.device = visitor.device;
    this.country = visitor.user.country;
    this.referrer = rng.weighted(referrers);
    this.addsToCart = rng.chance(rates.addToCartRate);
    this.purchases = this.addsToCart && rng.chance(rates.cartConversionRate);
    this.bounces = !this.addsToCart && rng.chance(rates.bounceRate);
    this.stepsLeft = rng.geometric(rates.meanPageViews);
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Paying takes longer than clicking: the purchase follows the checkout page after a longer pause. */
  get nextThinkScale(): number {
    return this.phase === 'purchase' ? 3 : 1;
  }

  /** Emits the next event of the visit. Must not be called once `done`. */
  emit(eventId: string, eventTime: string): ShopEvent {
    switch (this.phase) {
      case 'landing':
        return this.land(eventId, eventTime);
      case 'browsing':
        return this.browse(eventId, eventTime);
      case 'cart':
        this.phase = this.purchases || this.ctx.rng.chance(CHECKOUT_ABANDON_CHANCE) ? 'checkout' : 'done';
        return this.pageView(eventId, eventTime, '/cart', null);
      case 'checkout':
        this.phase = this.purchases ? 'purchase' : 'done';
        return this.pageView(eventId, eventTime, '/checkout', null);
      case 'purchase':
        this.phase = 'done';
        return this.purchase(eventId, eventTime);
      case 'done':
        throw new Error(`session ${this.session_id} has ended`);
    }
  }

  private land(eventId: string, eventTime: string): PageViewEvent {
    const { rng, catalog } = this.ctx;
    const landing = rng.weighted(landings);
    this.phase = this.bounces ? 'done' : 'browsing';
    if (landing === 'home') return this.pageView(eventId, eventTime, '/', null);
    if (landing === 'category') return this.viewCategory(eventId, eventTime, catalog.popularCategory(rng));
    return this.viewProduct(eventId, eventTime, catalog.popularProduct(rng));
  }

  private browse(eventId: string, eventTime: string): ShopEvent {
    const { rng, catalog, rates } = this.ctx;
    // A shopper who has not added anything by the end of the budget keeps going until they do.
    const mustAdd = this.addsToCart && !this.everAdded && this.stepsLeft <= 0;
    let event: ShopEvent;
    if (this.viewing && this.addsToCart && (mustAdd || this.wantsToAdd(this.viewing))) {
      event = this.addToCart(eventId, eventTime, this.viewing);
    } else if (mustAdd) {
      event = this.viewProduct(eventId, eventTime, catalog.popularProduct(rng));
    } else if (this.cart.size > 0 && this.canRemove() && rng.chance(rates.removeFromCartRate)) {
      event = this.removeFromCart(eventId, eventTime);
    } else if (this.searchHit) {
      const hit = this.searchHit;
      this.searchHit = null;
      event = this.viewProduct(eventId, eventTime, hit);
    } else if (rng.chance(rates.searchRate)) {
      event = this.search(eventId, eventTime);
    } else if (rng.chance(0.35)) {
      event = this.viewCategory(eventId, eventTime, catalog.popularCategory(rng));
    } else {
      // Mostly stay in the category at hand, sometimes jump to a best seller elsewhere.
      const product =
        this.category && rng.chance(0.7)
          ? catalog.popularProductIn(rng, this.category.name)
          : catalog.popularProduct(rng);
      event = this.viewProduct(eventId, eventTime, product);
    }
    this.stepsLeft--;
    const stillShopping = (this.addsToCart && !this.everAdded) || this.searchHit !== null;
    if (this.stepsLeft <= 0 && !stillShopping) this.phase = this.cart.size > 0 ? 'cart' : 'done';
    return event;
  }

  private wantsToAdd(product: Product): boolean {
    if (this.cart.has(product.product_id)) return false;
    return this.ctx.rng.chance(this.cart.size === 0 ? 0.45 : 0.2);
  }

  /** A buyer never empties the cart: the purchase must have at least one line. */
  private canRemove(): boolean {
    if (!this.purchases) return true;
    let units = 0;
    for (const line of this.cart.values()) units += line.quantity;
    return units > 1;
  }

  /**
   * The shared fields; callers add the type's own fields by assignment. Cheaper than object spread on a
   * path that runs for every event, and JSON key order (envelope first) is the same.
   */
  private envelope(eventId: string, eventTime: string, type: EventType, page: string): EventEnvelope {
    return {
      event_id: eventId,
      event_type: type,
      schema_version: SCHEMA_VERSION,
      event_time: eventTime,
      user_id: this.user.user_id,
      session_id: this.session_id,
      device: { type: this.device.type, os: this.device.os, browser: this.device.browser },
      country: this.country,
      page,
      referrer: this.referrer,
    };
  }

  private pageView(eventId: string, eventTime: string, page: string, product: Product | null): PageViewEvent {
    const event = this.envelope(eventId, eventTime, 'page_view', page) as PageViewEvent;
    event.product = product ? toProductRef(product) : null;
    return event;
  }

  private viewCategory(eventId: string, eventTime: string, category: CategoryInfo): PageViewEvent {
    this.category = category;
    this.viewing = null;
    return this.pageView(eventId, eventTime, `/category/${category.slug}`, null);
  }

  private viewProduct(eventId: string, eventTime: string, product: Product): PageViewEvent {
    this.viewing = product;
    this.category = this.ctx.catalog.categories.find((c) => c.name === product.category) ?? this.category;
    return this.pageView(eventId, eventTime, `/product/${product.product_id}`, product);
  }

  private search(eventId: string, eventTime: string): SearchEvent {
    const { rng, catalog } = this.ctx;
    let query: string;
    let target: Product | null = null;
    if (rng.chance(ZERO_RESULT_SHARE)) {
      query = rng.pick(ZERO_RESULT_QUERIES);
    } else {
      target = catalog.popularProduct(rng);
      const form = rng.float();
      query = form < 0.5 ? target.keyword : form < 0.75 ? target.category.toLowerCase() : target.name.toLowerCase();
    }
    const results = catalog.resultsCount(query);
    this.viewing = null;
    this.searchHit = target && results > 0 && rng.chance(RESULT_CLICK_CHANCE) ? target : null;
    const event = this.envelope(eventId, eventTime, 'search', `/search?q=${encodeURIComponent(query)}`) as SearchEvent;
    event.query = query;
    event.results_count = results;
    return event;
  }

  private addToCart(eventId: string, eventTime: string, product: Product): AddToCartEvent {
    const rng = this.ctx.rng;
    const quantity = rng.chance(product.multiBuyChance) ? rng.int(2, 4) : 1;
    const line = this.cart.get(product.product_id);
    if (line) line.quantity += quantity;
    else this.cart.set(product.product_id, { product, quantity });
    this.everAdded = true;
    const event = this.envelope(eventId, eventTime, 'add_to_cart', `/product/${product.product_id}`) as AddToCartEvent;
    event.product = toProductRef(product);
    event.quantity = quantity;
    return event;
  }

  private removeFromCart(eventId: string, eventTime: string): RemoveFromCartEvent {
    const rng = this.ctx.rng;
    const line = rng.pick([...this.cart.values()]);
    let quantity = line.quantity > 1 && rng.chance(0.5) ? 1 : line.quantity;
    // Keep at least one unit in a buyer's cart (canRemove guarantees there are two).
    if (this.purchases && this.cart.size === 1) quantity = Math.min(quantity, line.quantity - 1);
    line.quantity -= quantity;
    if (line.quantity === 0) this.cart.delete(line.product.product_id);
    const event = this.envelope(eventId, eventTime, 'remove_from_cart', '/cart') as RemoveFromCartEvent;
    event.product = toProductRef(line.product);
    event.quantity = quantity;
    return event;
  }

  private purchase(eventId: string, eventTime: string): PurchaseEvent {
    const rng = this.ctx.rng;
    const items: LineItem[] = [...this.cart.values()].map((line) => ({ ...toProductRef(line.product), quantity: line.quantity }));
    this.cart.clear();
    const event = this.envelope(eventId, eventTime, 'purchase', '/checkout/confirmation') as PurchaseEvent;
    event.order_id = `o-${rng.uuid()}`;
    event.items = items;
    event.revenue_cents = lineItemsRevenueCents(items);
    event.currency = SHOP_CURRENCY;
    event.payment_method = this.paymentMethod();
    return event;
  }

  private paymentMethod(): PaymentMethod {
    for (let attempt = 0; attempt < 8; attempt++) {
      const method = this.ctx.rng.weighted(payments);
      if (paymentMethodAvailable(method, this.device)) return method;
    }
    return 'card';
  }
}
