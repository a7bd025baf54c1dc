import {
  CURRENCIES,
  DEVICE_TYPES,
  EVENT_TYPES,
  lineItemsRevenueCents,
  PAYMENT_METHODS,
  SCHEMA_VERSION,
  type EventType,
  type ShopEvent,
} from '@pipeline/events';
import {
  completenessRule,
  eventTypeShareRule,
  freshnessRule,
  uniquenessRule,
  volumeRule,
} from './dataset-rules';
import { EVENT_FIELDS, eventFieldReader, eventTypesWithField, lineItemsOf } from './event-fields';
import {
  allowedSetRule,
  consistencyRule,
  dataTypeRule,
  formatRule,
  numericRangeRule,
  requiredRule,
  timestampRangeRule,
} from './record-rules';
import type { DatasetRule, RecordRule, RuleSet } from './rule.types';

/** Business bounds of the default rules. Schema limits (MAX_PRICE_CENTS...) live in the contract; these are tighter. */
export interface QualityOptions {
  /** Highest plausible unit price in cents, inclusive (default 5,000,000 = 50,000.00; applied in any currency). */
  maxPriceCents: number;
  /** Highest plausible units per cart event or purchase line (default 100). */
  maxQuantity: number;
  /** How far in the future an event time may be, for producer clock skew (default 5 min). */
  maxClockSkewMs: number;
  /** Oldest event accepted, relative to now (default 7 days). */
  maxEventAgeMs: number;
  /** Newest event of a batch/hour must be at most this old (default 300 s). */
  freshnessMaxAgeSeconds: number;
  /** Hour volume may drop to mean/factor or grow to mean*factor of the trailing hours (default 5). */
  volumeFactor: number;
  /** Trailing hours needed before the volume rule judges (default 3). */
  minTrailingHours: number;
  /** Bounds on the share of each event kind (default purchase <= 0.2, page_view >= 0.2). */
  eventTypeShares: Partial<Record<EventType, { min?: number; max?: number }>>;
  /** Fewest rows before distribution rules judge (default 100). */
  distributionMinRows: number;
}

export const DEFAULT_QUALITY_OPTIONS: Readonly<QualityOptions> = Object.freeze({
  maxPriceCents: 5_000_000,
  maxQuantity: 100,
  maxClockSkewMs: 5 * 60_000,
  maxEventAgeMs: 7 * 24 * 3_600_000,
  freshnessMaxAgeSeconds: 300,
  volumeFactor: 5,
  minTrailingHours: 3,
  eventTypeShares: { purchase: { max: 0.2 }, page_view: { min: 0.2 } },
  distributionMinRows: 100,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_ALPHA2 = /^[A-Z]{2}$/;

// Which kinds a rule concerns follows from the kinds' own fields (their modules in libs/events), not from lists.
/** Kinds with a price: a product, or purchase lines. */
const WITH_PRICE: readonly EventType[] = eventTypesWithField('price_cents');
/** Kinds that must carry a product (cart changes). */
const WITH_REQUIRED_PRODUCT: readonly EventType[] = eventTypesWithField('product_id', (f) => f.required && f.read !== undefined);
/** Kinds with a quantity: of the event (cart changes) or of its lines (purchase). */
const WITH_QUANTITY: readonly EventType[] = eventTypesWithField('quantity');
/** Kinds with line items (purchase). */
const WITH_LINE_ITEMS: readonly EventType[] = eventTypesWithField('items_json');
const WITH_PAYMENT: readonly EventType[] = eventTypesWithField('payment_method');

type Loose = Record<string, unknown>;
const productOf = (event: ShopEvent) => (event as unknown as Loose)['product'] as Loose | null | undefined;

/**
 * The record rules every event goes through: the original system's checks (not null, data types, allowed
 * values, price/quantity/timestamp ranges) plus formats and cross-field consistency. Add a rule here,
 * or pass your own list to compileRecordRules.
 *
 * Many of them restate the event contract (the DTOs in libs/events): they are marked `afterContract: 'implied'`, so
 * the processor, which only judges events the contract accepted, does not check them twice; contract rejections are
 * still counted against them (contract-rejections.ts). Tighter business bounds (prices, quantities, times) and
 * cross-field relations always run. contract-implied-rules.spec.ts fails when a mark claims more than the contract.
 */
export function defaultRecordRules(overrides: Partial<QualityOptions> = {}): RecordRule[] {
  const options = { ...DEFAULT_QUALITY_OPTIONS, ...overrides };
  return [
    requiredRule({ id: 'not_null', description: 'null detection', fields: EVENT_FIELDS, afterContract: 'implied' }),
    dataTypeRule({ id: 'data_type', description: 'data type validation', fields: EVENT_FIELDS, afterContract: 'implied' }),
    allowedSetRule({
      id: 'allowed_event_type',
      afterContract: 'implied',
      description: 'allowed values: event type',
      column: 'event_type',
      values: EVENT_TYPES,
      read: (e) => e.event_type,
    }),
    allowedSetRule({
      id: 'allowed_device_type',
      afterContract: 'implied',
      description: 'allowed values: device type',
      column: 'device_type',
      values: DEVICE_TYPES,
      read: (e) => (e.device as Partial<ShopEvent['device']> | null)?.type,
    }),
    allowedSetRule({
      id: 'allowed_currency',
      afterContract: 'implied',
      description: 'allowed values: currency',
      column: 'currency',
      appliesTo: WITH_PRICE,
      values: CURRENCIES,
      read: eventFieldReader('currency'),
      readItem: (item) => item.currency,
    }),
    allowedSetRule({
      id: 'allowed_payment_method',
      afterContract: 'implied',
      description: 'allowed values: payment method',
      column: 'payment_method',
      appliesTo: WITH_PAYMENT,
      values: PAYMENT_METHODS,
      read: eventFieldReader('payment_method'),
    }),
    allowedSetRule({
      id: 'supported_schema_version',
      afterContract: 'implied',
      description: 'allowed values: schema version',
      column: 'schema_version',
      values: [SCHEMA_VERSION],
      read: (e) => e.schema_version,
    }),
    numericRangeRule({
      id: 'price_range',
      description: 'price range',
      column: 'price_cents',
      appliesTo: WITH_PRICE,
      min: 1,
      max: options.maxPriceCents,
      read: (e) => productOf(e)?.['price_cents'],
      readItem: (item) => item.price_cents,
    }),
    numericRangeRule({
      id: 'quantity_range',
      description: 'quantity range',
      column: 'quantity',
      appliesTo: WITH_QUANTITY,
      min: 1,
      max: options.maxQuantity,
      read: eventFieldReader('quantity'),
      readItem: (item) => item.quantity,
    }),
    timestampRangeRule({
      id: 'event_time_range',
      description: 'timestamp range',
      column: 'event_time',
      read: (e) => e.event_time,
      maxFutureSkewMs: options.maxClockSkewMs,
      maxAgeMs: options.maxEventAgeMs,
    }),
    formatRule({
      id: 'event_id_format',
      afterContract: 'implied',
      description: 'format: event id is a UUID',
      column: 'event_id',
      pattern: UUID,
      formatName: 'a UUID',
      read: (e) => e.event_id,
    }),
    formatRule({
      id: 'country_format',
      afterContract: 'implied',
      description: 'format: country is ISO 3166-1 alpha-2',
      column: 'country',
      pattern: ISO_ALPHA2,
      formatName: 'an ISO 3166-1 alpha-2 code',
      read: (e) => e.country,
    }),
    consistencyRule({
      id: 'revenue_matches_items',
      description: 'consistency: purchase revenue equals the sum of its lines',
      columns: ['revenue_cents', 'items_json'],
      appliesTo: WITH_LINE_ITEMS,
      check: (e) => {
        const items = lineItemsOf(e);
        if (e.event_type !== 'purchase' || !items) return undefined;
        const expected = lineItemsRevenueCents(items);
        return e.revenue_cents === expected ? undefined : `revenue_cents ${e.revenue_cents} != sum of lines ${expected}`;
      },
    }),
    consistencyRule({
      id: 'cart_has_product',
      afterContract: 'implied',
      description: 'consistency: cart events carry a product',
      columns: ['product_id'],
      appliesTo: WITH_REQUIRED_PRODUCT,
      check: (e) => {
        const id = productOf(e)?.['product_id'];
        return typeof id === 'string' && id !== '' ? undefined : `${e.event_type} without a product`;
      },
    }),
    consistencyRule({
      id: 'purchase_currency_matches_items',
      description: 'consistency: purchase currency equals its lines currency',
      columns: ['currency', 'items_json'],
      appliesTo: WITH_LINE_ITEMS,
      check: (e) => {
        const items = lineItemsOf(e);
        if (e.event_type !== 'purchase' || !items) return undefined;
        for (let i = 0; i < items.length; i++) {
          if (items[i].currency !== e.currency) return `items[${i}] currency ${items[i].currency} != ${e.currency}`;
        }
        return undefined;
      },
    }),
  ];
}

/** Checks over a batch or an hour: duplicates, completeness, freshness, volume, event mix. */
export function defaultDatasetRules(overrides: Partial<QualityOptions> = {}): DatasetRule[] {
  const options = { ...DEFAULT_QUALITY_OPTIONS, ...overrides };
  const shareRules = EVENT_TYPES.flatMap((eventType) => {
    const bounds = options.eventTypeShares[eventType];
    if (!bounds) return [];
    return [
      eventTypeShareRule({
        id: `${eventType}_share`,
        description: `distribution: share of ${eventType} events`,
        eventType,
        min: bounds.min,
        max: bounds.max,
        minRows: options.distributionMinRows,
      }),
    ];
  });
  return [
    uniquenessRule({ id: 'unique_event_id', description: 'duplicate detection: event_id is unique within its hour' }),
    completenessRule({
      id: 'complete_product_on_cart',
      description: 'completeness: cart events have a product',
      column: 'product_id',
      appliesTo: WITH_REQUIRED_PRODUCT,
      mostly: 1,
    }),
    completenessRule({
      id: 'complete_page',
      description: 'completeness: events have a page',
      column: 'page',
      mostly: 0.95,
      severity: 'warn',
    }),
    freshnessRule({
      id: 'freshness',
      description: 'freshness: age of the newest event',
      maxAgeSeconds: options.freshnessMaxAgeSeconds,
    }),
    volumeRule({
      id: 'hourly_volume',
      description: 'volume: rows against the trailing hours',
      factor: options.volumeFactor,
      minTrailingHours: options.minTrailingHours,
    }),
    ...shareRules,
  ];
}

/** The default rule set; extend it by spreading its lists into your own RuleSet. */
export function defaultRuleSet(overrides: Partial<QualityOptions> = {}): RuleSet {
  return { record: defaultRecordRules(overrides), dataset: defaultDatasetRules(overrides) };
}
