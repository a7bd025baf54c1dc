import { CHART_NAMES } from '@pipeline/reporting';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startReporterWithData, type RunningReporter } from '../testing/reporter-harness';
import { ChartService } from './charts/chart.service';

/**
 * The dashboard in real headless Chromium (Debian's package; no browser download), served by the reporter
 * in-process over data stored by the pipeline's own code. Saves a screenshot to test-output/reporter/.
 * DASHBOARD_DEMO_HOURS=24 stores a full day first (that is how docs/dashboard.png was made).
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT_DIR = path.resolve(__dirname, '../../../../test-output/reporter');
const HOURS = Number(process.env['DASHBOARD_DEMO_HOURS'] ?? 6);

/** The few DOM properties read in the page; the project compiles without the DOM library. */
interface PageImage {
  dataset: Record<string, string | undefined>;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  getAttribute(name: string): string | null;
}
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
}

describe('dashboard in headless Chromium', () => {
  let reporter: RunningReporter;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    reporter = await startReporterWithData({
      env: { CHART_WIDTH: '800', CHART_HEIGHT: '450', CHART_REFRESH_MS: '1000' },
      data: { startMs: Date.UTC(2026, 10, 27, 12 - HOURS), hours: HOURS },
    });
    await reporter.app.get(ChartService).refresh();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${reporter.baseUrl}/`, { waitUntil: 'load' });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await reporter?.close();
  });

  const charts = () =>
    page.$$eval('img[data-chart]', (images) =>
      (images as unknown as PageImage[]).map((img) => ({
        name: img.dataset['chart'],
        complete: img.complete,
        width: img.naturalWidth,
        height: img.naturalHeight,
      })),
    );

  it('loads every chart image', async () => {
    expect(await charts()).toEqual(CHART_NAMES.map((name) => ({ name, complete: true, width: 800, height: 450 })));
  });

  it('shows the headline figures as numbers', async () => {
    const kpis = await page.$$eval('[data-kpi]', (elements) =>
      (elements as unknown as PageElement[]).map((e) => [e.dataset['kpi'], e.textContent ?? '']),
    );
    expect(kpis.map(([key]) => key)).toEqual(['events', 'orders', 'revenue', 'aov', 'conversion', 'quality']);
    for (const [key, value] of kpis) expect([key, /\d/.test(value ?? '')]).toEqual([key, true]);
    expect(Object.fromEntries(kpis)['events']).toBe(reporter.data.storedEvents.toLocaleString('en-US'));
  });

  it('refreshes itself: polls the summary and reloads the charts', async () => {
    await page.waitForFunction("document.querySelector('[data-status]').textContent.startsWith('Updated')", undefined, { timeout: 10_000 });
    const reloaded = await page.$$eval('img[data-chart]', (images) => (images as unknown as PageImage[]).map((img) => img.getAttribute('src') ?? ''));
    expect(reloaded.every((src) => src.startsWith('blob:'))).toBe(true);
    expect((await charts()).every((c) => c.width === 800)).toBe(true);
  });

  it('logs no console errors and no failed requests; saves a screenshot', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard.png') });
    expect(problems).toEqual([]);
  });
});
