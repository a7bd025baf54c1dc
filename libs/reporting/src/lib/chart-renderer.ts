import type { ChartConfiguration } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { CHART_FONT_FAMILY, PALETTE, type ChartName, type ChartSpec } from './chart-specs';

export interface ChartRendererOptions {
  width: number;
  height: number;
}

export interface RenderedChart {
  name: ChartName;
  png: Buffer;
  /** Wall time of drawing and encoding this one chart. */
  seconds: number;
}

/**
 * Draws chart specs into PNGs with node-canvas (Cairo + Pango, so text uses the system's fonts:
 * DejaVu Sans from Debian's fonts-dejavu-core here). One instance holds one Chart.js copy; reuse it.
 */
export class ChartRenderer {
  private readonly canvas: ChartJSNodeCanvas;

  constructor(readonly options: ChartRendererOptions) {
    this.canvas = new ChartJSNodeCanvas({
      width: options.width,
      height: options.height,
      backgroundColour: '#ffffff',
      chartCallback: (chartJs) => {
        chartJs.defaults.font.family = CHART_FONT_FAMILY;
        chartJs.defaults.font.size = 13;
        chartJs.defaults.color = PALETTE.text;
      },
    });
  }

  /** Drawing is synchronous (tens of ms); PNG encoding runs off the main thread. */
  async render(spec: ChartSpec): Promise<Buffer> {
    return this.canvas.renderToBuffer(spec as unknown as ChartConfiguration, 'image/png');
  }
}

/** Resolves on the next turn of the event loop, after pending I/O callbacks (e.g. HTTP requests) ran. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Renders charts one at a time, yielding to the event loop before each, so a chart set never holds the
 * HTTP server for more than one chart's drawing. A chart that fails is reported to onError and skipped.
 */
export async function renderChartSet(
  renderer: ChartRenderer,
  charts: readonly { name: ChartName; spec: ChartSpec }[],
  hooks: { onRendered?: (chart: RenderedChart) => void | Promise<void>; onError?: (name: ChartName, error: unknown) => void } = {},
): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const { name, spec } of charts) {
    await yieldToEventLoop();
    const started = process.hrtime.bigint();
    let png: Buffer;
    try {
      png = await renderer.render(spec);
    } catch (error) {
      if (!hooks.onError) throw error;
      hooks.onError(name, error);
      continue;
    }
    const chart = { name, png, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    rendered.push(chart);
    await hooks.onRendered?.(chart);
  }
  return rendered;
}
