import { formatCount, formatPercent, groupThousands } from './number-format';
import type { Summary } from './range-aggregation';

export interface Kpi {
  key: 'events' | 'orders' | 'revenue' | 'aov' | 'conversion' | 'quality';
  label: string;
  value: string;
  hint: string;
}

const NOT_AVAILABLE = '–';

/** The headline figures, formatted for display. */
export function dashboardKpis(summary: Summary): Kpi[] {
  return [
    { key: 'events', label: 'Events', value: formatCount(summary.events), hint: `${formatCount(summary.sessions)} sessions (summed per hour)` },
    { key: 'orders', label: 'Orders', value: formatCount(summary.orders), hint: `${formatCount(summary.units)} units` },
    { key: 'revenue', label: 'Revenue', value: `$${groupThousands(summary.revenue)}`, hint: 'USD' },
    {
      key: 'aov',
      label: 'Average order value',
      value: summary.averageOrderValue === null ? NOT_AVAILABLE : `$${groupThousands(summary.averageOrderValue)}`,
      hint: 'revenue / orders',
    },
    {
      key: 'conversion',
      label: 'Conversion rate',
      value: summary.conversionRate === null ? NOT_AVAILABLE : formatPercent(Number(summary.conversionRate), 2),
      hint: 'orders / sessions',
    },
    {
      key: 'quality',
      label: 'Quality score',
      value: summary.quality === null ? NOT_AVAILABLE : formatPercent(summary.quality.score, 0),
      hint: summary.quality === null ? 'no quality reports' : `${summary.quality.label} checks passed`,
    },
  ];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe to place inside a <script> element: no "</script>" or "<!--" can appear in it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
