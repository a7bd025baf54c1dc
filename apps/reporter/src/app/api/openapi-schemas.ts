import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { EVENT_TYPES } from '@pipeline/events';

type SchemaObject = ApiResponseSchemaHost['schema'];

/** Response shapes for the OpenAPI document (the types themselves are interfaces in @pipeline/reporting). */

const integer: SchemaObject = { type: 'integer' };
const money: SchemaObject = { type: 'string', description: 'Decimal with two places, exact (from integer cents)', example: '1234.50' };
const isoOrNull: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const share: SchemaObject = { type: 'number', nullable: true, description: '0..1, four places; null when undefined (divide by zero)' };

/** The metric definitions, in plain words (README "Metric definitions" says the same). */
export const RANGE_DEFINITION =
  'Every figure is computed exactly from the stored raw events whose event_time lies in the half-open range [from, to), ' +
  'to the millisecond, for any from/to (not only whole hours); the response echoes the bounds used. ' +
  'sessions / users = distinct session_id / user_id in the range (a session active in two hours counts once); ' +
  'orders = distinct order_id; revenue = sum of revenue_cents (exact integer cents; each order\'s revenue_cents is the sum of its lines\' price_cents × quantity); ' +
  'units = sum of purchased quantities; AOV = revenue / orders; conversion rate = distinct sessions with at least one purchase / distinct sessions; ' +
  'orders per session = orders / sessions; funnel stages = distinct sessions that viewed a product page (a page_view with a product), ' +
  'that added to cart, that purchased.';

export const SUMMARY_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    hours: { ...integer, description: 'Hours of the range that hold at least one event' },
    events: integer,
    eventsByType: {
      type: 'object',
      properties: Object.fromEntries(EVENT_TYPES.map((type) => [type, integer])),
    },
    orders: { ...integer, description: 'Distinct order_id' },
    units: { ...integer, description: 'Sum of purchased quantities' },
    revenueCents: { ...integer, description: 'Sum of revenue_cents, exact' },
    revenue: money,
    sessions: { ...integer, description: 'Distinct session_id in the range' },
    users: { ...integer, description: 'Distinct user_id in the range' },
    purchasingSessions: { ...integer, description: 'Distinct sessions with at least one purchase' },
    averageOrderValue: { ...money, nullable: true, description: 'revenue / orders, two places; null without orders' },
    conversionRate: {
      type: 'string',
      nullable: true,
      description: 'Distinct sessions with at least one purchase / distinct sessions, four places; null without sessions',
      example: '0.0268',
    },
    ordersPerSession: { type: 'string', nullable: true, description: 'orders / sessions, four places (can exceed 1)', example: '0.0291' },
    newestEventTime: isoOrNull,
    dataVersion: { type: 'string', description: 'Hash of the raw files the figures come from: equal versions, equal data' },
    quality: {
      type: 'object',
      nullable: true,
      properties: { score: { type: 'number' }, label: { type: 'string', example: '11/12' }, hours: integer },
    },
  },
};

export const HOURLY_SCHEMA: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      hour: { type: 'string', format: 'date-time', description: 'Start of the hour' },
      from: { type: 'string', format: 'date-time', description: 'Start of the part of the hour inside the range' },
      to: { type: 'string', format: 'date-time', description: 'End (exclusive) of the part of the hour inside the range' },
      events: integer,
      orders: { ...integer, description: 'Distinct order_id in the hour (within the range)' },
      sessions: { ...integer, description: 'Distinct session_id in the hour (within the range)' },
      users: { ...integer, description: 'Distinct user_id in the hour (within the range)' },
      revenueCents: integer,
      revenue: money,
    },
  },
};

export const PRODUCTS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    products: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          productId: { type: 'string' },
          name: { type: 'string', description: 'The smallest name seen for the product in the range (the hourly products table uses the same rule)' },
          category: { type: 'string' },
          views: integer,
          addToCarts: integer,
          units: integer,
          revenueCents: integer,
          revenue: money,
        },
      },
    },
  },
};

export const DEVICES_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    devices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          deviceType: { type: 'string' },
          events: integer,
          eventShare: share,
          orders: { ...integer, description: 'Distinct order_id bought on the device type' },
          revenueCents: integer,
          revenue: money,
        },
      },
    },
  },
};

export const FUNNEL_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    stages: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          stage: {
            type: 'string',
            enum: ['viewed', 'added_to_cart', 'purchased'],
            description: 'viewed: sessions that viewed a product page (a page_view with a product); added_to_cart; purchased',
          },
          counts: { type: 'string', description: 'What the stage counts, in words' },
          sessions: { ...integer, description: 'Distinct sessions of the range at the stage' },
          shareOfFirst: share,
          shareOfPrevious: share,
        },
      },
    },
  },
};

export const QUALITY_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    "Built from each hour's quality report. Until an hour closes (its end + the processor's HOURLY_QUALITY_GRACE_MS) that " +
    'is the roll-up of its batch reports; then the closed-hour report: dataset rules judged on the stored hour. ' +
    'unique_event_id = duplicates refused at ingest + stored rows repeating an event_id across the hour\'s visible files; ' +
    "freshness = seconds from the hour's newest stored event to the hour's end (max 300); hourly_volume = stored events / " +
    'mean of the up to 24 preceding hours with data (within [0.2, 5]); event-type shares of the stored hour.',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    overall: { type: 'object', nullable: true, description: 'The hourly reports merged into one; null without reports' },
    rules: { type: 'array', items: { type: 'object' } },
    hours: { type: 'array', items: { type: 'object' } },
    unreadableHours: { type: 'array', items: { type: 'string' } },
  },
};

export const CHART_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    generatedAt: isoOrNull,
    range: { type: 'object', nullable: true, properties: { from: { type: 'string' }, to: { type: 'string' } } },
    charts: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } } } },
  },
};

const minutePoint: SchemaObject = {
  type: 'object',
  properties: { minute: { type: 'string', format: 'date-time' }, events: integer, orders: integer, revenueCents: integer },
};

export const DASHBOARD_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    live: { type: 'boolean', description: 'The default range of recent data: the last hour up to the newest event' },
    defaultRange: { type: 'boolean', description: 'True when the request gave neither from nor to' },
    generatedAt: { type: 'string', format: 'date-time' },
    dataVersion: { type: 'string', description: 'Hash of the raw files every figure of the view comes from' },
    freshness: {
      type: 'object',
      properties: { newestEventTime: isoOrNull, ageMs: { type: 'integer', nullable: true, description: 'Reporter clock minus the newest event time' } },
    },
    summary: SUMMARY_SCHEMA,
    minutes: { type: 'object', description: "The range's last hour (at most), every minute. The live default view starts at its first minute with data (at least 15 minutes are shown).", properties: { from: { type: 'string' }, to: { type: 'string' }, points: { type: 'array', items: minutePoint } } },
    history: { type: 'object', description: 'The 24 hours up to the end of the range, by hour', properties: { from: { type: 'string' }, to: { type: 'string' }, points: HOURLY_SCHEMA } },
    products: { type: 'array', items: { type: 'object' } },
    devices: { type: 'array', items: { type: 'object' } },
    funnel: { type: 'array', items: { type: 'object' } },
    quality: QUALITY_SCHEMA,
    processor: {
      type: 'object',
      description: "Per-minute dead letters and consumer lag sampled from the processor's /metrics (PROCESSOR_METRICS_URL); null points where no sample was taken",
      properties: {
        source: { type: 'string', nullable: true },
        lastError: { type: 'string', nullable: true },
        points: {
          type: 'array',
          items: { type: 'object', properties: { minute: { type: 'string' }, deadLettered: { type: 'integer', nullable: true }, lag: { type: 'integer', nullable: true } } },
        },
      },
    },
  },
};
