import { EVENT_KINDS } from '@pipeline/events';
import type { ChartConfiguration, Plugin } from 'chart.js';
import { formatCount, formatCountTick, formatMoneyCents, formatMoneyTick, formatPercent } from './number-format';
import type { ReportSnapshot } from './report-store';
import { formatRangeLabel, hourLabel } from './time-range';

/**
 * Chart.js configurations built from a ReportSnapshot: pure data in, plain config out, so every chart can be
 * checked without drawing it. The renderer (chart-renderer.ts) turns them into PNGs.
 */

/** The only chart names the reporter knows; URLs and file names are looked up here, never built from input. */
export const CHART_NAMES = ['events-by-type', 'revenue-by-product', 'devices', 'hourly-activity', 'funnel', 'quality-score'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export function isChartName(value: string): value is ChartName {
  return (CHART_NAMES as readonly string[]).includes(value);
}

export const CHART_TITLES: Readonly<Record<ChartName, string>> = {
  'events-by-type': 'Events by type',
  'revenue-by-product': 'Revenue by product (top 10)',
  devices: 'Events and revenue by device type',
  'hourly-activity': 'Events and revenue per hour',
  funnel: 'Conversion funnel',
  'quality-score': 'Data quality score per hour',
};

export type ChartSpec = ChartConfiguration<'bar' | 'line', (number | null)[], string>;

/** Tableau 10: distinguishable for the common colour-vision deficiencies, and the same meaning on every chart. */
export const PALETTE = {
  events: '#4e79a7',
  revenue: '#f28e2b',
  quality: '#59a14f',
  validRows: '#76b7b2',
  neutral: '#bab0ac',
  /** Each event kind's colour, from its module in libs/events. */
  eventTypes: Object.fromEntries(EVENT_KINDS.map((kind) => [kind.type, kind.colour])) as Record<string, string>,
  text: '#333333',
  grid: '#e6e6e6',
} as const;

export const CHART_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

const EVENT_TYPE_LABELS: Record<string, string> = Object.fromEntries(EVENT_KINDS.map((kind) => [kind.type, kind.label]));

const STAGE_LABELS: Record<string, string> = {
  viewed: 'Viewed a page',
  added_to_cart: 'Added to cart',
  purchased: 'Purchased',
};

const DEVICE_LABELS: Record<string, string> = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet' };

/** Longest product label on the axis; longer names are cut with an ellipsis so bars keep their room. */
const MAX_PRODUCT_LABEL = 30;

export function buildChartSpec(name: ChartName, snapshot: ReportSnapshot): ChartSpec {
  switch (name) {
    case 'events-by-type':
      return eventsByTypeChart(snapshot);
    case 'revenue-by-product':
      return revenueByProductChart(snapshot);
    case 'devices':
      return devicesChart(snapshot);
    case 'hourly-activity':
      return hourlyActivityChart(snapshot);
    case 'funnel':
      return funnelChart(snapshot);
    case 'quality-score':
      return qualityScoreChart(snapshot);
  }
}

export function buildChartSpecs(snapshot: ReportSnapshot): { name: ChartName; spec: ChartSpec }[] {
  return CHART_NAMES.map((name) => ({ name, spec: buildChartSpec(name, snapshot) }));
}

export function eventsByTypeChart(snapshot: ReportSnapshot): ChartSpec {
  const entries = Object.entries(snapshot.summary.eventsByType);
  return {
    type: 'bar',
    data: {
      labels: entries.map(([type]) => EVENT_TYPE_LABELS[type] ?? type),
      datasets: [
        {
          label: 'Events',
          data: entries.map(([, events]) => events),
          backgroundColor: entries.map(([type]) => PALETTE.eventTypes[type] ?? PALETTE.neutral),
        },
      ],
    },
    options: baseOptions(snapshot, 'events-by-type', {
      legend: false,
      scales: {
        x: axis('Event type'),
        y: { ...axis('Events (count)'), beginAtZero: true, grace: '10%', ticks: { callback: countTick } },
      },
    }),
    plugins: [valueLabels((value) => formatCount(value)), emptyState()],
  };
}

export function revenueByProductChart(snapshot: ReportSnapshot): ChartSpec {
  const products = snapshot.products;
  return {
    type: 'bar',
    data: {
      labels: products.map((p) => truncate(p.name || p.productId, MAX_PRODUCT_LABEL)),
      datasets: [{ label: 'Revenue (USD)', data: products.map((p) => p.revenueCents / 100), backgroundColor: PALETTE.revenue }],
    },
    options: baseOptions(snapshot, 'revenue-by-product', {
      indexAxis: 'y',
      legend: false,
      scales: {
        x: { ...axis('Revenue (USD)'), beginAtZero: true, grace: '18%', ticks: { callback: moneyTick } },
        y: { ...axis('Product'), ticks: { autoSkip: false } },
      },
    }),
    plugins: [valueLabels((value) => formatMoneyCents(Math.round(value * 100))), emptyState()],
  };
}

export function devicesChart(snapshot: ReportSnapshot): ChartSpec {
  const devices = snapshot.devices;
  return {
    type: 'bar',
    data: {
      labels: devices.map((d) => DEVICE_LABELS[d.deviceType] ?? d.deviceType),
      datasets: [
        { label: 'Events (count, left axis)', data: devices.map((d) => d.events), backgroundColor: PALETTE.events, yAxisID: 'y' },
        {
          label: 'Revenue (USD, right axis)',
          data: devices.map((d) => d.revenueCents / 100),
          backgroundColor: PALETTE.revenue,
          yAxisID: 'revenue',
        },
      ],
    },
    options: baseOptions(snapshot, 'devices', {
      legend: true,
      scales: {
        x: axis('Device type'),
        y: { ...axis('Events (count)'), beginAtZero: true, grace: '10%', position: 'left', ticks: { callback: countTick } },
        revenue: {
          ...axis('Revenue (USD)'),
          beginAtZero: true,
          grace: '10%',
          position: 'right',
          grid: { drawOnChartArea: false },
          ticks: { callback: moneyTick },
        },
      },
    }),
    plugins: [
      valueLabels((value, datasetIndex) => (datasetIndex === 0 ? formatCount(value) : formatMoneyCents(Math.round(value * 100)))),
      emptyState(),
    ],
  };
}

export function hourlyActivityChart(snapshot: ReportSnapshot): ChartSpec {
  const points = snapshot.hourly;
  return {
    type: 'bar',
    data: {
      labels: points.map((p) => hourLabel(Date.parse(p.hour))),
      datasets: [
        {
          type: 'line',
          label: 'Revenue per hour (USD, right axis)',
          data: points.map((p) => p.revenueCents / 100),
          borderColor: PALETTE.revenue,
          backgroundColor: PALETTE.revenue,
          borderWidth: 3,
          pointRadius: points.length > 48 ? 0 : 3,
          yAxisID: 'revenue',
          order: 0,
        },
        {
          type: 'bar',
          label: 'Events per hour (left axis)',
          data: points.map((p) => p.events),
          backgroundColor: withAlpha(PALETTE.events, 0.75),
          yAxisID: 'y',
          order: 1,
        },
      ],
    },
    options: baseOptions(snapshot, 'hourly-activity', {
      legend: true,
      scales: {
        x: { ...axis('Hour (UTC)'), ticks: { maxRotation: 45, autoSkip: true, maxTicksLimit: 24 } },
        y: { ...axis('Events per hour'), beginAtZero: true, position: 'left', ticks: { callback: countTick } },
        revenue: {
          ...axis('Revenue per hour (USD)'),
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          ticks: { callback: moneyTick },
        },
      },
    }),
    plugins: [emptyState()],
  };
}

export function funnelChart(snapshot: ReportSnapshot): ChartSpec {
  const steps = snapshot.funnel;
  const colours = [PALETTE.events, PALETTE.eventTypes['add_to_cart'], PALETTE.quality];
  return {
    type: 'bar',
    data: {
      labels: steps.map((s) => STAGE_LABELS[s.stage] ?? s.stage),
      datasets: [
        {
          label: 'Sessions',
          data: steps.map((s) => s.sessions),
          backgroundColor: steps.map((_, i) => colours[i % colours.length]),
        },
      ],
    },
    options: baseOptions(snapshot, 'funnel', {
      indexAxis: 'y',
      legend: false,
      scales: {
        x: { ...axis('Sessions (summed per hour)'), beginAtZero: true, grace: '25%', ticks: { callback: countTick } },
        y: axis('Stage'),
      },
    }),
    plugins: [
      valueLabels((value, _dataset, index) => {
        const share = steps[index]?.shareOfFirst;
        return index === 0 || share === null || share === undefined ? formatCount(value) : `${formatCount(value)} (${formatPercent(share)})`;
      }),
      emptyState(),
    ],
  };
}

export function qualityScoreChart(snapshot: ReportSnapshot): ChartSpec {
  const byHour = new Map(snapshot.quality.hours.map((h) => [h.hour, h]));
  // One point per hour of the range; hours without a report are gaps, not zeros.
  const hours = snapshot.hourly.map((p) => p.hour);
  const percent = (pick: (h: (typeof snapshot.quality.hours)[number]) => number) =>
    hours.map((hour) => {
      const h = byHour.get(hour);
      return h ? Math.round(pick(h) * 1000) / 10 : null;
    });
  return {
    type: 'line',
    data: {
      labels: hours.map((hour) => hourLabel(Date.parse(hour))),
      datasets: [
        {
          label: 'Checks passed (%)',
          data: percent((h) => h.qualityScore),
          borderColor: PALETTE.quality,
          backgroundColor: PALETTE.quality,
          borderWidth: 3,
          pointRadius: hours.length > 48 ? 0 : 3,
          spanGaps: false,
        },
        {
          label: 'Valid rows (%)',
          data: percent((h) => h.validShare),
          borderColor: PALETTE.validRows,
          backgroundColor: PALETTE.validRows,
          borderWidth: 2,
          borderDash: [6, 4],
          pointRadius: hours.length > 48 ? 0 : 2,
          spanGaps: false,
        },
      ],
    },
    options: baseOptions(snapshot, 'quality-score', {
      legend: true,
      scales: {
        x: { ...axis('Hour (UTC)'), ticks: { maxRotation: 45, autoSkip: true, maxTicksLimit: 24 } },
        y: { ...axis('Score (%)'), min: 0, max: 100, ticks: { callback: (value: string | number) => `${value}%` } },
      },
    }),
    plugins: [emptyState('No quality reports in this range')],
  };
}

interface BaseOptionsInput {
  legend: boolean;
  indexAxis?: 'x' | 'y';
  scales: NonNullable<ChartSpec['options']>['scales'];
}

function baseOptions(snapshot: ReportSnapshot, name: ChartName, input: BaseOptionsInput): ChartSpec['options'] {
  return {
    // Drawn once into a PNG: animation would only cost time (and draw the first frame).
    animation: false,
    responsive: false,
    indexAxis: input.indexAxis ?? 'x',
    layout: { padding: { top: 8, right: 24, bottom: 8, left: 12 } },
    plugins: {
      title: { display: true, text: CHART_TITLES[name], color: PALETTE.text, font: { size: 20, weight: 'bold' }, padding: { top: 6, bottom: 4 } },
      subtitle: { display: true, text: formatRangeLabel(snapshot.range), color: '#666666', font: { size: 13 }, padding: { bottom: 10 } },
      legend: { display: input.legend, position: 'bottom', labels: { color: PALETTE.text, font: { size: 13 } } },
      tooltip: { enabled: false },
    },
    scales: input.scales,
  };
}

function axis(title: string) {
  return {
    title: { display: true, text: title, color: PALETTE.text, font: { size: 14, weight: 'bold' as const } },
    grid: { color: PALETTE.grid },
    ticks: { color: PALETTE.text, font: { size: 13 } },
  };
}

const countTick = (value: string | number) => formatCountTick(Number(value));
const moneyTick = (value: string | number) => formatMoneyTick(Number(value));

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

type Formatter = (value: number, datasetIndex: number, index: number) => string;

/** Draws each bar's value at its end: a PNG has no tooltips, so the exact figure must be on the picture. */
export function valueLabels(format: Formatter): Plugin<'bar' | 'line'> {
  return {
    id: 'valueLabels',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const horizontal = chart.options.indexAxis === 'y';
      ctx.save();
      ctx.fillStyle = PALETTE.text;
      ctx.font = `12px ${CHART_FONT_FAMILY}`;
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        const meta = chart.getDatasetMeta(datasetIndex);
        if (meta.type !== 'bar' || meta.hidden) return;
        meta.data.forEach((element, index) => {
          const value = dataset.data[index];
          if (typeof value !== 'number') return;
          const { x, y } = element.getProps(['x', 'y'], true) as { x: number; y: number };
          const label = format(value, datasetIndex, index);
          if (horizontal) {
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            ctx.fillText(label, x + 6, y);
          } else {
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillText(label, x, y - 4);
          }
        });
      });
      ctx.restore();
    },
  };
}

/** A chart with nothing to show says so, instead of looking like a rendering fault. */
export function emptyState(message = 'No data in this range'): Plugin<'bar' | 'line'> {
  return {
    id: 'emptyState',
    afterDraw(chart) {
      const hasData = chart.data.datasets.some((d) => d.data.some((v) => typeof v === 'number' && v !== 0));
      if (hasData) return;
      const { left, right, top, bottom } = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = '#888888';
      ctx.font = `18px ${CHART_FONT_FAMILY}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(message, (left + right) / 2, (top + bottom) / 2);
      ctx.restore();
    },
  };
}
