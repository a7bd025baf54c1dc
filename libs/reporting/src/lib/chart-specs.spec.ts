import {
  buildChartSpec,
  buildChartSpecs,
  CHART_NAMES,
  CHART_TITLES,
  isChartName,
  PALETTE,
  type ChartSpec,
} from './chart-specs';
import { sampleSnapshot } from './testing/fixtures';

const snapshot = sampleSnapshot();
const spec = (name: (typeof CHART_NAMES)[number]) => buildChartSpec(name, snapshot);
const data = (chart: ChartSpec, dataset = 0) => chart.data.datasets[dataset].data;

describe('chart specs', () => {
  it('builds one chart per name, titled, with the range as subtitle', () => {
    const specs = buildChartSpecs(snapshot);
    expect(specs.map((s) => s.name)).toEqual([...CHART_NAMES]);
    for (const { name, spec: chart } of specs) {
      expect(chart.options?.plugins?.title?.text).toBe(CHART_TITLES[name]);
      expect(chart.options?.plugins?.subtitle?.text).toBe('2026-11-27 09:00 – 2026-11-27 12:00 UTC');
      expect(chart.options?.animation).toBe(false);
    }
  });

  it('titles every axis, money axes in USD', () => {
    for (const name of CHART_NAMES) {
      const scales = Object.entries(spec(name).options?.scales ?? {});
      expect(scales.length).toBeGreaterThanOrEqual(2);
      for (const [, scale] of scales) {
        const title = (scale as { title?: { display?: boolean; text?: string } }).title;
        expect([name, title?.display, typeof title?.text]).toEqual([name, true, 'string']);
      }
    }
    expect(JSON.stringify(spec('revenue-by-product').options?.scales)).toContain('Revenue (USD)');
  });

  it('events by type: every event type, in contract order', () => {
    const chart = spec('events-by-type');
    expect(chart.data.labels).toEqual(['Page view', 'Search', 'Add to cart', 'Remove from cart', 'Purchase']);
    expect(data(chart)).toEqual([179, 17, 0, 0, 4]);
  });

  it('revenue by product: the top ten in dollars, long names shortened', () => {
    const chart = spec('revenue-by-product');
    expect(chart.options?.indexAxis).toBe('y');
    expect(data(chart)).toHaveLength(10);
    expect(data(chart).slice(0, 2)).toEqual([100, 95]);
    const first = chart.data.labels?.[0] as string;
    expect(first).toHaveLength(30);
    expect(first.endsWith('…')).toBe(true);
  });

  it('devices: events on the left axis, revenue on the right, in the shared colours', () => {
    const chart = spec('devices');
    expect(chart.data.labels).toEqual(['Desktop', 'Mobile', 'Tablet']);
    expect(chart.data.datasets.map((d) => [d.yAxisID, d.backgroundColor])).toEqual([
      ['y', PALETTE.events],
      ['revenue', PALETTE.revenue],
    ]);
    expect(data(chart, 0)).toEqual([50, 150, 0]);
    expect(data(chart, 1)).toEqual([9.99, 123.45, 0]);
  });

  it('hourly activity: one point per hour of the range, events as bars and revenue as a line', () => {
    const chart = spec('hourly-activity');
    expect(chart.data.labels).toEqual(['11-27 09:00', '11-27 10:00', '11-27 11:00']);
    const [revenue, events] = chart.data.datasets;
    expect([revenue.type, events.type]).toEqual(['line', 'bar']);
    expect(revenue.data).toEqual([123.45, 9.99, 0]);
    expect(events.data).toEqual([120, 80, 0]);
  });

  it('funnel: sessions per stage', () => {
    expect(spec('funnel').data.labels).toEqual(['Viewed a page', 'Added to cart', 'Purchased']);
    expect(data(spec('funnel'))).toEqual([40, 8, 3]);
  });

  it('quality: percent per hour, a gap where an hour has no report', () => {
    const chart = spec('quality-score');
    expect(data(chart, 0)).toEqual([100, 50, null]);
    expect(data(chart, 1)).toEqual([100, 97.5, null]);
    expect(chart.options?.scales?.['y']).toMatchObject({ min: 0, max: 100 });
  });

  it('knows its chart names and nothing else', () => {
    expect(isChartName('funnel')).toBe(true);
    expect(isChartName('../funnel')).toBe(false);
    expect(isChartName('constructor')).toBe(false);
  });
});
