import { ChartRenderer, renderChartSet } from './chart-renderer';
import { buildChartSpecs, type ChartSpec } from './chart-specs';
import { readPngSize } from './png';
import { emptySnapshot, sampleSnapshot } from './testing/fixtures';

describe('ChartRenderer', () => {
  const renderer = new ChartRenderer({ width: 480, height: 270 });

  it('draws every chart as a PNG of the configured size', async () => {
    const rendered = await renderChartSet(renderer, buildChartSpecs(sampleSnapshot()));
    expect(rendered.map((c) => c.name)).toEqual(buildChartSpecs(sampleSnapshot()).map((c) => c.name));
    for (const chart of rendered) {
      expect(readPngSize(chart.png)).toEqual({ width: 480, height: 270 });
      expect(chart.seconds).toBeGreaterThan(0);
    }
  });

  it('draws charts of an empty range too (with a "no data" note)', async () => {
    const withData = await renderChartSet(renderer, buildChartSpecs(sampleSnapshot()).slice(0, 1));
    const empty = await renderChartSet(renderer, buildChartSpecs(emptySnapshot()).slice(0, 1));
    expect(readPngSize(empty[0].png)).toEqual({ width: 480, height: 270 });
    expect(empty[0].png.equals(withData[0].png)).toBe(false);
  });

  it('yields to the event loop before each chart, so other callbacks run in between', async () => {
    const order: string[] = [];
    const charts = buildChartSpecs(sampleSnapshot()).slice(0, 3);
    const set = renderChartSet(renderer, charts, { onRendered: ({ name }) => void order.push(name) });
    setImmediate(() => order.push('other work'));
    await set;
    expect(order.indexOf('other work')).toBeLessThan(order.length - 1);
    expect(order.indexOf('other work')).toBeGreaterThanOrEqual(0);
  });

  it('reports a chart that fails and goes on with the others', async () => {
    const [good] = buildChartSpecs(sampleSnapshot());
    const throwing = { id: 'throwing', afterDraw: () => { throw new Error('drawing failed'); } };
    const broken = { name: 'funnel' as const, spec: { ...good.spec, plugins: [throwing] } as ChartSpec };
    const failed: string[] = [];
    const rendered = await renderChartSet(renderer, [broken, good], { onError: (name) => failed.push(name) });
    expect(failed).toEqual(['funnel']);
    expect(rendered.map((c) => c.name)).toEqual([good.name]);
    await expect(renderChartSet(renderer, [broken])).rejects.toThrow('drawing failed');
  });
});
