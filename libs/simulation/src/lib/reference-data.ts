import type { Device, PaymentMethod } from '@pipeline/events';
import type { Weighted } from './random';

/**
 * Shop-wide constants with realistic weights. Weights are relative (they need not sum to 1), but the
 * device and country ones are written as shares of traffic so they read like the analytics they imitate.
 */

export interface CategorySpec {
  name: string;
  /** URL slug used in page paths. */
  slug: string;
  /** Share of the catalog (relative). */
  catalogShare: number;
  /** Price band in whole USD; prices are drawn log-uniformly inside it, so cheap items dominate. */
  minPriceUsd: number;
  maxPriceUsd: number;
  /** Product nouns; names are "<adjective> <noun>" or "<brand> <noun>" (books: "<title> (<noun>)"). */
  nouns: readonly string[];
  /** Typical units per add_to_cart: groceries are bought in multiples, TVs are not. */
  multiBuyChance: number;
}

export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Electronics',
    slug: 'electronics',
    catalogShare: 16,
    minPriceUsd: 20,
    maxPriceUsd: 1500,
    nouns: ['Wireless Earbuds', 'Bluetooth Speaker', 'Smartwatch', '4K Monitor', 'Mechanical Keyboard', 'Gaming Mouse',
      'Noise-Cancelling Headphones', 'USB-C Charger', 'Portable SSD', 'Action Camera', 'Laptop', 'Tablet', 'Smart Plug',
      'E-Reader', 'Webcam', 'Power Bank', 'Soundbar', 'Drone'],
    multiBuyChance: 0.05,
  },
  {
    name: 'Books',
    slug: 'books',
    catalogShare: 14,
    minPriceUsd: 5,
    maxPriceUsd: 60,
    // Book names are "<title> (<format>)"; the format doubles as the search keyword.
    nouns: ['Paperback', 'Hardcover', 'Illustrated Edition', 'Box Set', 'Large Print Edition', 'Pocket Edition',
      'Collector\'s Edition', 'Audiobook CD'],
    multiBuyChance: 0.08,
  },
  {
    name: 'Home',
    slug: 'home',
    catalogShare: 14,
    minPriceUsd: 8,
    maxPriceUsd: 400,
    nouns: ['Coffee Mug', 'Throw Blanket', 'Chef\'s Knife', 'Cast Iron Skillet', 'Desk Lamp', 'Bath Towel Set',
      'Scented Candle', 'French Press', 'Storage Basket', 'Wall Clock', 'Cushion Cover', 'Blender', 'Duvet Cover'],
    multiBuyChance: 0.15,
  },
  {
    name: 'Fashion',
    slug: 'fashion',
    catalogShare: 16,
    minPriceUsd: 10,
    maxPriceUsd: 250,
    nouns: ['T-Shirt', 'Hoodie', 'Denim Jeans', 'Sneakers', 'Rain Jacket', 'Wool Scarf', 'Leather Belt', 'Sunglasses',
      'Backpack', 'Chino Shorts', 'Summer Dress', 'Beanie', 'Ankle Boots'],
    multiBuyChance: 0.12,
  },
  {
    name: 'Grocery',
    slug: 'grocery',
    catalogShare: 10,
    minPriceUsd: 2,
    maxPriceUsd: 60,
    nouns: ['Coffee Beans', 'Green Tea', 'Olive Oil', 'Dark Chocolate', 'Granola', 'Pasta', 'Honey', 'Almonds',
      'Hot Sauce', 'Oat Milk', 'Basmati Rice', 'Protein Bars'],
    multiBuyChance: 0.45,
  },
  {
    name: 'Toys',
    slug: 'toys',
    catalogShare: 9,
    minPriceUsd: 5,
    maxPriceUsd: 150,
    nouns: ['Building Blocks Set', 'Jigsaw Puzzle', 'Plush Bear', 'Board Game', 'Remote Control Car', 'Wooden Train',
      'Art Kit', 'Card Game', 'Dollhouse', 'Science Kit'],
    multiBuyChance: 0.1,
  },
  {
    name: 'Sports',
    slug: 'sports',
    catalogShare: 11,
    minPriceUsd: 8,
    maxPriceUsd: 600,
    nouns: ['Yoga Mat', 'Running Shoes', 'Dumbbell Set', 'Water Bottle', 'Tennis Racket', 'Cycling Helmet',
      'Resistance Bands', 'Camping Tent', 'Football', 'Fitness Tracker', 'Hiking Poles'],
    multiBuyChance: 0.1,
  },
  {
    name: 'Beauty',
    slug: 'beauty',
    catalogShare: 10,
    minPriceUsd: 4,
    maxPriceUsd: 120,
    nouns: ['Face Serum', 'Moisturizer', 'Lip Balm', 'Shampoo', 'Sunscreen SPF 50', 'Perfume', 'Hair Dryer',
      'Nail Polish', 'Beard Oil', 'Face Mask'],
    multiBuyChance: 0.2,
  },
];

/** Device mix: mobile ~55%, desktop ~40%, tablet ~5%; browsers only where they exist on that OS. */
export const DEVICE_MIX: readonly Weighted<Device>[] = [
  { value: { type: 'mobile', os: 'iOS', browser: 'Safari' }, weight: 26 },
  { value: { type: 'mobile', os: 'iOS', browser: 'Chrome' }, weight: 4 },
  { value: { type: 'mobile', os: 'Android', browser: 'Chrome' }, weight: 19 },
  { value: { type: 'mobile', os: 'Android', browser: 'Samsung Internet' }, weight: 5 },
  { value: { type: 'mobile', os: 'Android', browser: 'Firefox' }, weight: 1 },
  { value: { type: 'desktop', os: 'Windows', browser: 'Chrome' }, weight: 17 },
  { value: { type: 'desktop', os: 'Windows', browser: 'Edge' }, weight: 6 },
  { value: { type: 'desktop', os: 'Windows', browser: 'Firefox' }, weight: 2 },
  { value: { type: 'desktop', os: 'macOS', browser: 'Safari' }, weight: 6 },
  { value: { type: 'desktop', os: 'macOS', browser: 'Chrome' }, weight: 6 },
  { value: { type: 'desktop', os: 'macOS', browser: 'Firefox' }, weight: 1 },
  { value: { type: 'desktop', os: 'Linux', browser: 'Chrome' }, weight: 1.5 },
  { value: { type: 'desktop', os: 'Linux', browser: 'Firefox' }, weight: 0.5 },
  { value: { type: 'tablet', os: 'iPadOS', browser: 'Safari' }, weight: 3 },
  { value: { type: 'tablet', os: 'Android', browser: 'Chrome' }, weight: 2 },
];

/** ISO 3166-1 alpha-2 codes, weighted like an English-language shop shipping internationally. */
export const COUNTRY_MIX: readonly Weighted<string>[] = [
  { value: 'US', weight: 38 },
  { value: 'GB', weight: 10 },
  { value: 'DE', weight: 8 },
  { value: 'FR', weight: 6 },
  { value: 'CA', weight: 6 },
  { value: 'AU', weight: 4 },
  { value: 'IN', weight: 4 },
  { value: 'NL', weight: 3 },
  { value: 'ES', weight: 3 },
  { value: 'IT', weight: 3 },
  { value: 'BR', weight: 3 },
  { value: 'JP', weight: 2.5 },
  { value: 'MX', weight: 2 },
  { value: 'SE', weight: 1.5 },
  { value: 'PL', weight: 1.5 },
  { value: 'IE', weight: 1 },
  { value: 'BE', weight: 1 },
  { value: 'CH', weight: 1 },
  { value: 'AT', weight: 1 },
  { value: 'DK', weight: 0.8 },
  { value: 'NO', weight: 0.7 },
  { value: 'NZ', weight: 0.7 },
  { value: 'SG', weight: 0.8 },
];

/** Entry referrers; null is direct traffic (typed URL, bookmark, app). */
export const REFERRER_MIX: readonly Weighted<string | null>[] = [
  { value: 'https://www.google.com/', weight: 34 },
  { value: null, weight: 28 },
  { value: 'https://www.instagram.com/', weight: 7 },
  { value: 'https://www.facebook.com/', weight: 6 },
  { value: 'https://newsletter.shop.example/?utm_source=newsletter&utm_medium=email', weight: 6 },
  { value: 'https://www.bing.com/', weight: 4 },
  { value: 'https://www.tiktok.com/', weight: 3 },
  { value: 'https://www.youtube.com/', weight: 2.5 },
  { value: 'https://www.pinterest.com/', weight: 2 },
  { value: 'https://duckduckgo.com/', weight: 1.5 },
  { value: 'https://deals.partner.example/?utm_source=affiliate', weight: 3 },
  { value: 'https://www.reddit.com/', weight: 3 },
];

export type LandingPage = 'home' | 'category' | 'product';

export const LANDING_MIX: readonly Weighted<LandingPage>[] = [
  { value: 'home', weight: 40 },
  { value: 'category', weight: 25 },
  { value: 'product', weight: 35 },
];

export const PAYMENT_MIX: readonly Weighted<PaymentMethod>[] = [
  { value: 'card', weight: 55 },
  { value: 'paypal', weight: 18 },
  { value: 'apple_pay', weight: 12 },
  { value: 'google_pay', weight: 7 },
  { value: 'gift_card', weight: 5 },
  { value: 'bank_transfer', weight: 3 },
];

/** Wallets only show up where the platform offers them. */
export function paymentMethodAvailable(method: PaymentMethod, device: Device): boolean {
  if (method === 'apple_pay') return device.browser === 'Safari';
  if (method === 'google_pay') return device.os === 'Android' || device.browser === 'Chrome';
  return true;
}

/** Misspellings and off-catalog searches: real search logs have a steady share of zero-result queries. */
export const ZERO_RESULT_QUERIES: readonly string[] = [
  'headphnes', 'iphone 17 pro max case', 'wireles charger', 'lego millennium falcon', 'garden hose', 'xmas lights',
  'nintendo switch 2', 'vacum cleaner', 'gift card 50', 'snow boots kids',
];
