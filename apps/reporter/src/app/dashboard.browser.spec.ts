import { LIVE_CHARTS } from '@pipeline/reporting';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeSamplePipelineData } from '@pipeline/ingest/testing';
import { startReporterWithData, type RunningReporter } from '../testing/reporter-harness';

/**
 * The dashboard in real headless Chromium (Debian's package; no browser download), served by the reporter
 * in-process over data stored by the pipeline's own code, an hour or two old: the page opens on the live view
 * (the last hour by minute). A stand-in processor /metrics feeds the DLQ and lag series. Saves screenshots to
 * test-output/reporter/. DASHBOARD_DEMO_HOURS=24 stores a full day first.
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
const HOURS = Number(process.env['DASHBOARD_DEMO_HOURS'] ?? 3);
const HOUR_MS = 3_600_000;

interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
}

describe('dashboard in headless Chromium', () => {
  let reporter: RunningReporter;
  let processor: Server;
  let browser: Browser;
  let page: Page;
  let deadLettered = 0;
  const problems: string[] = [];
  // The newest stored hour ended 20 minutes ago: recent data, so the default view is the live one.
  const dataEndMs = Math.floor((Date.now() - 20 * 60_000) / HOUR_MS) * HOUR_MS;

  beforeAll(async () => {
    processor = createServer((_req, res) => {
      deadLettered += 3;
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(
        `# TYPE processor_events_dead_lettered_total counter\nprocessor_events_dead_lettered_total{reason="schema_violation"} ${deadLettered}\n` +
          `# TYPE processor_consumer_lag gauge\nprocessor_consumer_lag{topic="ecommerce.events",partition="0"} 42\n`,
      );
    });
    await new Promise<void>((resolve) => processor.listen(0, '127.0.0.1', resolve));
    const metricsUrl = `http://127.0.0.1:${(processor.address() as AddressInfo).port}/metrics`;
    reporter = await startReporterWithData({
      env: { DASHBOARD_REFRESH_MS: '1000', PROCESSOR_METRICS_URL: metricsUrl, PROCESSOR_SAMPLE_MS: '1000' },
      data: { startMs: dataEndMs - HOURS * HOUR_MS, hours: HOURS },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    // Let the sampler take a few samples of the stand-in processor first.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await page.goto(`${reporter.baseUrl}/?utm_source=test`, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await reporter?.close();
    await new Promise((resolve) => processor?.close(resolve));
  });

  const kpis = async () =>
    Object.fromEntries(
      await page.$$eval('[data-kpi]', (elements) => (elements as unknown as PageElement[]).map((e) => [e.dataset['kpi'], e.textContent ?? ''])),
    ) as Record<string, string>;

  it('opens on the live view: the last hour up to the newest event, with a freshness indicator', async () => {
    expect(await page.textContent('[data-live]')).toBe('LIVE');
    expect(await page.isVisible('[data-live]')).toBe(true);
    expect(await page.textContent('[data-range]')).toContain('live: the last hour up to the newest event');
    expect(await page.textContent('[data-freshness]')).toMatch(/^newest event \d+ (s|min) ago$/);
  });

  it('draws every chart with Chart.js, served by the reporter', async () => {
    const drawn = await page.evaluate(`(${JSON.stringify(LIVE_CHARTS.map((c) => c.id))}).map(function (id) {
      var chart = Chart.getChart('chart-' + id);
      return [id, !!chart && chart.data.datasets.length > 0 && chart.width > 100];
    })`);
    expect(drawn).toEqual(LIVE_CHARTS.map((c) => [c.id, true]));
  });

  it('shows the headline figures of the snapshot the charts are drawn from', async () => {
    const snapshot = (await (await fetch(`${reporter.baseUrl}/api/dashboard`)).json()) as { summary: { events: number }; minutes: { points: { events: number }[] } };
    const shown = await kpis();
    expect(Object.keys(shown)).toEqual(['events', 'orders', 'revenue', 'aov', 'conversion', 'quality']);
    expect(shown['events']).toBe(snapshot.summary.events.toLocaleString('en-US'));
    const minuteEvents = (await page.evaluate(`Chart.getChart('chart-minute-activity').data.datasets[0].data`)) as number[];
    expect(minuteEvents.reduce((a, b) => a + b, 0)).toBe(snapshot.summary.events);
    // The live view starts its minute chart at the first minute with data (at least 15 minutes, at most the hour).
    expect(snapshot.minutes.points.length).toBeGreaterThanOrEqual(15);
    expect(snapshot.minutes.points.length).toBeLessThanOrEqual(60);
  });

  it('plots the quality score as one bar per hour with a report, in percent', async () => {
    const quality = (await page.evaluate(`(function (c) { return { type: c.config.type, data: c.data.datasets[0].data }; })(Chart.getChart('chart-quality'))`)) as {
      type: string;
      data: (number | null)[];
    };
    expect(quality.type).toBe('bar');
    const scores = quality.data.filter((v): v is number => v !== null);
    expect(scores.length).toBeGreaterThan(0);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeLessThanOrEqual(100);
  });

  it('plots dead letters and lag sampled from the processor', async () => {
    const lag = (await page.evaluate(`Chart.getChart('chart-minute-pipeline').data.datasets[1].data`)) as (number | null)[];
    expect(lag.filter((v) => v === 42).length).toBeGreaterThan(0);
  });

  it('updates without a reload when new data is stored', async () => {
    await page.evaluate('window.__sameDocument = true');
    const before = await kpis();
    // More events in the last stored hour, stored by the pipeline's code (elsewhere), then moved in as another
    // partition's file: what the processor does when a batch of partition 1 lands.
    const staging = mkdtempSync(path.join(tmpdir(), 'more-events-'));
    try {
      const more = await writeSamplePipelineData(staging, { startMs: dataEndMs - HOUR_MS, hours: 1, seed: 7, concurrentSessions: 2 });
      expect(more.storedEvents).toBeGreaterThan(0);
      const hourFolder = `events/${more.hours[0]}`;
      const [file] = readdirSync(path.join(staging, hourFolder));
      renameSync(path.join(staging, hourFolder, file), path.join(reporter.dataDir, hourFolder, 'ecommerce.events+1+00000000000000000000.parquet'));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    await page.waitForFunction(`document.querySelector('[data-kpi="events"]').textContent !== ${JSON.stringify(before['events'])}`, undefined, { timeout: 15_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await page.textContent('[data-status]')).toMatch(/^Updated/);
  });

  it('logs no console errors and no failed requests; saves a screenshot', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
