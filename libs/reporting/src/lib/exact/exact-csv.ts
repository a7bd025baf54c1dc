import { EVENT_TYPES } from '@pipeline/events';
import type { CsvTable } from '../csv-export';
import type { ExactHourlyPoint, ExactSummary } from './exact-figures';

/** The exact summary as one CSV row (snake_case headers like the stored metric tables). */
export function exactSummaryCsvTable(summary: ExactSummary): CsvTable {
  return {
    columns: [
      'from',
      'to',
      'hours',
      'events',
      ...EVENT_TYPES.map((type) => `events_${type}`),
      'orders',
      'units',
      'revenue_cents',
      'revenue',
      'sessions',
      'users',
      'purchasing_sessions',
      'avg_order_value',
      'conversion_rate',
      'orders_per_session',
      'quality_score',
      'quality_checks',
      'data_version',
    ],
    rows: [
      [
        summary.from,
        summary.to,
        summary.hours,
        summary.events,
        ...EVENT_TYPES.map((type) => summary.eventsByType[type]),
        summary.orders,
        summary.units,
        summary.revenueCents,
        summary.revenue,
        summary.sessions,
        summary.users,
        summary.purchasingSessions,
        summary.averageOrderValue,
        summary.conversionRate,
        summary.ordersPerSession,
        summary.quality ? summary.quality.score.toFixed(4) : null,
        summary.quality?.label ?? null,
        summary.dataVersion,
      ],
    ],
  };
}

export function exactHourlyCsvTable(points: readonly ExactHourlyPoint[]): CsvTable {
  return {
    columns: ['hour', 'from', 'to', 'events', 'orders', 'sessions', 'users', 'revenue_cents', 'revenue'],
    rows: points.map((p) => [p.hour, p.from, p.to, p.events, p.orders, p.sessions, p.users, p.revenueCents, p.revenue]),
  };
}
