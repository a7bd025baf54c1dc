import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { EVENT_TYPES } from '@pipeline/events';

type SchemaObject = ApiResponseSchemaHost['schema'];

/** Response shapes for the OpenAPI document (the types themselves are interfaces in @pipeline/reporting). */

const integer: SchemaObject = { type: 'integer' };
const money: SchemaObject = { type: 'string', description: 'Decimal with two places, exact (from integer cents)', example: '1234.50' };
const isoOrNull: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const share: SchemaObject = { type: 'number', nullable: true, description: '0..1, four places; null when undefined (divide by zero)' };

export const SUMMARY_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    from: isoOrNull,
    to: isoOrNull,
    hours: { ...integer, description: 'Hours with stored metrics' },
    events: integer,
    eventsByType: {
      type: 'object',
      properties: Object.fromEntries(EVENT_TYPES.map((type) => [type, integer])),
    },
    orders: integer,
    units: integer,
    revenueCents: integer,
    revenue: money,
    sessions: { ...integer, description: 'Sum of per-hour distinct sessions' },
    averageOrderValue: { ...money, nullable: true },
    conversionRate: { type: 'string', nullable: true, description: 'orders / sessions, four places', example: '0.0268' },
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
    properties: { hour: { type: 'string', format: 'date-time' }, events: integer, orders: integer, sessions: integer, revenueCents: integer, revenue: money },
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
          name: { type: 'string' },
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
        properties: { deviceType: { type: 'string' }, events: integer, eventShare: share, orders: integer, revenueCents: integer, revenue: money },
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
        properties: { stage: { type: 'string', enum: ['viewed', 'added_to_cart', 'purchased'] }, sessions: integer, shareOfFirst: share, shareOfPrevious: share },
      },
    },
  },
};

export const QUALITY_SCHEMA: SchemaObject = {
  type: 'object',
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
