import { CHART_NAMES, LIVE_CHARTS, readPngSize } from '@pipeline/reporting';
import { existsSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import * as path from 'node:path';
import { startReporterWithData, type RunningReporter } from '../testing/reporter-harness';
import { ChartService } from './charts/chart.service';

/** The reporter in-process on a free port, over six hours of data stored by the pipeline's own code. */
describe('reporter app', () => {
  let reporter: RunningReporter;
  const get = (url: string, init?: RequestInit) => fetch(`${reporter.baseUrl}${url}`, init);
  const getJson = async <T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> => {
    const response = await get(url);
    return { status: response.status, body: (await response.json()) as T };
  };
  /** A request whose path is sent exactly as written (fetch would normalise "/../"). */
  const rawGet = (rawPath: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(reporter.baseUrl);
      httpRequest({ host: url.hostname, port: url.port, path: rawPath }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });

  beforeAll(async () => {
    reporter = await startReporterWithData({ env: { CHART_REFRESH_MS: '1000' } });
    await reporter.app.get(ChartService).refresh();
    // Storing six simulated hours and the first DuckDB reads take a minute on a busy 2-core machine.
  }, 120_000);
  afterAll(() => reporter?.close());

  const FIRST_HOUR = '2026-11-27T06:00:00.000Z';
  const END = '2026-11-27T12:00:00.000Z';

  describe('GET /api/summary', () => {
    it('covers the 24 hours up to the newest stored hour by default, with every stored event', async () => {
      const { status, body } = await getJson<{
        from: string;
        to: string;
        hours: number;
        events: number;
        eventsByType: Record<string, number>;
        revenueCents: number;
        revenue: string;
        orders: number;
        quality: { score: number; label: string; hours: number } | null;
      }>('/api/summary');
      expect(status).toBe(200);
      expect(body.to).toBe(END);
      expect(body.from).toBe('2026-11-26T12:00:00.000Z');
      expect(body.hours).toBe(6);
      expect(body.events).toBe(reporter.data.storedEvents);
      expect(Object.values(body.eventsByType).reduce((a, b) => a + b, 0)).toBe(body.events);
      expect(body.orders).toBeGreaterThan(0);
      expect(body.revenue).toBe((body.revenueCents / 100).toFixed(2));
      expect(body.quality).toMatchObject({ hours: 6 });
      expect(body.quality?.label).toMatch(/^\d+\/\d+$/);
    });

    it('sums exactly the hours of a given range', async () => {
      const range = '?from=2026-11-27T07:00:00Z&to=2026-11-27T09:00:00Z';
      const [{ body: summary }, { body: hourly }] = await Promise.all([
        getJson<{ hours: number; events: number; revenueCents: number }>(`/api/summary${range}`),
        getJson<{ hour: string; events: number; revenueCents: number }[]>(`/api/hourly${range}`),
      ]);
      expect(hourly.map((h) => h.hour)).toEqual(['2026-11-27T07:00:00.000Z', '2026-11-27T08:00:00.000Z']);
      expect(summary.hours).toBe(2);
      expect(summary.events).toBe(hourly[0].events + hourly[1].events);
      expect(summary.revenueCents).toBe(hourly[0].revenueCents + hourly[1].revenueCents);
      expect(summary.events).toBeLessThan(reporter.data.storedEvents);
    });

    it('answers CSV for a .csv suffix and for Accept: text/csv', async () => {
      for (const response of [await get('/api/summary.csv'), await get('/api/summary', { headers: { accept: 'text/csv' } })]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
        expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="summary_2026-11-26T12-00Z_2026-11-27T12-00Z\.csv"/);
        const [header, row, ...rest] = (await response.text()).trimEnd().split('\n');
        expect(header.split(',').slice(0, 4)).toEqual(['from', 'to', 'hours', 'events']);
        expect(row.split(',')[3]).toBe(String(reporter.data.storedEvents));
        expect(rest).toEqual([]);
      }
    });

    it.each([
      ['to before from', '?from=2026-11-27T09:00:00Z&to=2026-11-27T08:00:00Z', 'to must be after from'],
      ['a range over 31 days', '?from=2026-01-01&to=2026-03-01', 'at most 31 days'],
      ['a malformed date', '?from=yesterday', 'from must be an ISO-8601 date'],
      ['a date-time without a zone', '?to=2026-11-27T09:00:00', 'to must be an ISO-8601 date'],
      ['a date that does not exist', '?from=2026-02-30', 'from must be an ISO-8601 date'],
    ])('refuses %s with 400 and says why', async (_case, query, message) => {
      const { status, body } = await getJson<{ message: string[] | string }>(`/api/summary${query}`);
      expect(status).toBe(400);
      expect([body.message].flat().join('; ')).toContain(message);
    });
  });

  describe('query parameters', () => {
    it('ignores unknown parameters on the API and the dashboard', async () => {
      const plain = await getJson<{ events: number }>('/api/summary');
      const tagged = await getJson<{ events: number }>('/api/summary?utm_source=x&form=2026-11-27');
      expect(tagged).toEqual(plain);
      const page = await get('/?utm_source=x');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-kpi="events"');
    });

    it('answers a bad range on the dashboard with an HTML page that says why', async () => {
      const response = await get('/?from=bad');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain('<h1>400 Bad request</h1>');
      expect(html.split('from must be an ISO-8601 date')).toHaveLength(2);
    });

    it.each([
      ['/api/products/top?limit=abc', 'limit must be a whole number between 1 and 100'],
      ['/api/summary?from=bad', 'from must be an ISO-8601 date'],
      ['/api/summary?from=bad&to=worse', 'to must be an ISO-8601 date'],
    ])('names each problem of %s once, as JSON', async (url, message) => {
      const response = await get(url);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const { message: messages } = (await response.json()) as { message: string[] };
      expect(messages.filter((m) => m.startsWith(message.slice(0, 8)))).toHaveLength(1);
      expect(messages.some((m) => m.startsWith(message))).toBe(true);
      expect(new Set(messages).size).toBe(messages.length);
    });
  });

  describe('GET /api/products/top', () => {
    it('lists the best-selling products, best revenue first, up to the limit', async () => {
      const { status, body } = await getJson<{ products: { revenueCents: number; revenue: string; name: string }[] }>('/api/products/top?limit=3');
      expect(status).toBe(200);
      expect(body.products).toHaveLength(3);
      const cents = body.products.map((p) => p.revenueCents);
      expect(cents).toEqual([...cents].sort((a, b) => b - a));
      expect(body.products[0].name).not.toBe('');
      expect(body.products[0].revenue).toBe((cents[0] / 100).toFixed(2));
    });

    it('gives ten products as CSV by default', async () => {
      const response = await get('/api/products/top.csv');
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await response.text()).trimEnd().split('\n');
      expect(lines[0]).toBe('rank,product_id,product_name,category,views,add_to_carts,units,revenue_cents,revenue');
      expect(lines).toHaveLength(11);
    });

    it.each(['0', '101', 'abc', '2.5'])('refuses limit=%s with 400', async (limit) => {
      const { status, body } = await getJson<{ message: string[] }>(`/api/products/top?limit=${limit}`);
      expect(status).toBe(400);
      expect(body.message.join('; ')).toMatch(/limit must be/);
    });
  });

  it('GET /api/devices splits every event over the device types', async () => {
    const { body } = await getJson<{ devices: { deviceType: string; events: number; eventShare: number }[] }>('/api/devices');
    expect(body.devices.map((d) => d.deviceType)).toEqual(['desktop', 'mobile', 'tablet']);
    expect(body.devices.reduce((sum, d) => sum + d.events, 0)).toBe(reporter.data.storedEvents);
    const csv = await (await get('/api/devices.csv')).text();
    expect(csv.split('\n')[0]).toBe('device_type,events,event_share,orders,revenue_cents,revenue');
  });

  it('GET /api/funnel gives the three stages with their shares', async () => {
    const { body } = await getJson<{ stages: { stage: string; sessions: number; shareOfFirst: number | null }[] }>(
      `/api/funnel?from=${FIRST_HOUR}&to=${END}`,
    );
    expect(body.stages.map((s) => s.stage)).toEqual(['viewed', 'added_to_cart', 'purchased']);
    expect(body.stages[0].sessions).toBeGreaterThan(body.stages[2].sessions);
    expect(body.stages[0].shareOfFirst).toBe(1);
    expect(body.stages[2].shareOfFirst).toBeCloseTo(body.stages[2].sessions / body.stages[0].sessions, 4);
  });

  it('GET /api/quality merges the hourly reports and lists every hour', async () => {
    const { body } = await getJson<{
      overall: { rowsEvaluated: number; rowsValid: number; qualityScore: number } | null;
      hours: { hour: string }[];
      rules: { id: string }[];
    }>('/api/quality');
    expect(body.hours.map((h) => h.hour)[0]).toBe(FIRST_HOUR);
    expect(body.hours).toHaveLength(6);
    expect(body.overall?.rowsValid).toBe(reporter.data.storedEvents);
    expect(body.overall?.rowsEvaluated).toBe(reporter.data.storedEvents + reporter.data.rejectedMessages);
    expect(body.rules.map((r) => r.id)).toContain('not_null');
    const csv = (await (await get('/api/quality.csv')).text()).trimEnd().split('\n');
    expect(csv).toHaveLength(7);
  });

  describe('charts', () => {
    it.each(CHART_NAMES)('serves %s as a PNG of the configured size, written under reports/', async (name) => {
      const response = await get(`/charts/${name}.png`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await response.arrayBuffer());
      expect(png.length).toBeGreaterThan(5_000);
      expect(readPngSize(png)).toEqual({ width: 640, height: 360 });
      expect(existsSync(path.join(reporter.dataDir, 'reports', `${name}.png`))).toBe(true);
    });

    it('draws a chart for a requested range on demand', async () => {
      const response = await get('/charts/hourly-activity.png?from=2026-11-27T08:00:00Z&to=2026-11-27T10:00:00Z');
      expect(response.status).toBe(200);
      expect(readPngSize(Buffer.from(await response.arrayBuffer()))).toEqual({ width: 640, height: 360 });
      expect((await get('/charts/hourly-activity.png?from=2026-11-27T10:00:00Z&to=2026-11-27T08:00:00Z')).status).toBe(400);
    });

    it('refuses an unknown chart name with 400 and the list of charts', async () => {
      const { status, body } = await getJson<{ message: string }>('/charts/pie.png');
      expect(status).toBe(400);
      expect(body.message).toContain('unknown chart "pie"');
      expect(body.message).toContain('events-by-type');
    });

    it('never serves a file outside reports/, however the name is encoded', async () => {
      // A real PNG next to reports/: a path-joining handler would find it.
      writeFileSync(path.join(reporter.dataDir, 'secret.png'), await (await get('/charts/funnel.png')).arrayBuffer().then(Buffer.from));
      for (const url of ['/charts/..%2f..%2fetc%2fpasswd.png', '/charts/..%2fsecret.png', '/charts/%2e%2e%2fsecret.png', '/charts/..%5csecret.png']) {
        expect([url, (await get(url)).status]).toEqual([url, 404]);
      }
      for (const raw of ['/charts/../secret.png', '/charts/../../etc/passwd.png', '/charts/reports/../secret.png']) {
        expect([raw, await rawGet(raw)]).toEqual([raw, 404]);
      }
    });

    it('lists the charts and when the set was drawn', async () => {
      const { body } = await getJson<{ generatedAt: string; charts: { name: string; url: string }[] }>('/api/charts');
      expect(body.charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
      expect(Date.parse(body.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('keeps answering HTTP requests while a chart set is being drawn', async () => {
      const service = reporter.app.get(ChartService);
      // Let a scheduled run finish first, so the next call starts a whole new set rather than joining one.
      await service.refresh();
      let setDoneAt = 0;
      const set = service.refresh().then(() => (setDoneAt = performance.now()));
      const health = await get('/health/live');
      const healthDoneAt = performance.now();
      await set;
      expect(health.status).toBe(200);
      expect(healthDoneAt).toBeLessThan(setDoneAt);
    });
  });

  it('serves the dashboard with the KPIs and every chart', async () => {
    const response = await get('/');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(`data-kpi="events">${reporter.data.storedEvents.toLocaleString('en-US')}<`);
    for (const chart of LIVE_CHARTS) expect(html).toContain(`data-chart="${chart.id}"`);
    expect(html).toContain('src="assets/chart.umd.min.js"');
    expect((await get('/?from=2026-11-27T09:00:00Z&to=2026-11-27T08:00:00Z')).status).toBe(400);
    const chartJs = await get('/assets/chart.umd.min.js');
    expect(chartJs.status).toBe(200);
    expect(chartJs.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await chartJs.text()).toContain('Chart.js v4');
  });

  it('publishes the OpenAPI document and Swagger UI at /docs', async () => {
    const ui = await get('/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const { body } = await getJson<{ paths: Record<string, { get?: { responses: Record<string, unknown> } }> }>('/docs-json');
    for (const route of ['/api/summary', '/api/products/top', '/api/devices', '/api/funnel', '/api/quality', '/charts/{name}.png']) {
      expect(Object.keys(body.paths)).toContain(route);
    }
    // The health endpoints' answers are documented by the app (the shared controller does not load swagger).
    for (const route of ['/health', '/health/live']) expect(Object.keys(body.paths[route]?.get?.responses ?? {})).toEqual(expect.arrayContaining(['200', '503']));
  });

  describe('GET /metrics', () => {
    const sample = (text: string, name: string, labels: Record<string, string>): number => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };

    it('is valid Prometheus text exposition', async () => {
      const response = await get('/metrics');
      expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      const text = await response.text();
      const sampleLine = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? -?(\d+(\.\d+)?([eE][-+]?\d+)?|NaN|\+Inf|-Inf)( -?\d+)?$/;
      const commentLine = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;
      const lines = text.split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(50);
      for (const line of lines) expect([line, sampleLine.test(line) || commentLine.test(line)]).toEqual([line, true]);
      expect(text).toContain('# TYPE reporter_http_requests_total counter');
      expect(text).toContain('# TYPE reporter_chart_render_duration_seconds histogram');
      expect(sample(text, 'reporter_chart_render_duration_seconds_count', { chart: 'funnel', trigger: 'schedule' })).toBeGreaterThan(0);
    });

    it('counts requests by matched route and status', async () => {
      const before = await (await get('/metrics')).text();
      await get('/charts/devices.png');
      await get('/charts/devices.png?from=2026-11-27T06:00:00Z');
      await get('/api/products/top?limit=0');
      await get('/no/such/page');
      const after = await (await get('/metrics')).text();
      const delta = (labels: Record<string, string>) =>
        sample(after, 'reporter_http_requests_total', labels) - sample(before, 'reporter_http_requests_total', labels);
      expect(delta({ route: '/charts/:name.png', status: '200', method: 'GET' })).toBe(2);
      expect(delta({ route: '/api/products/top', status: '400' })).toBe(1);
      expect(delta({ route: 'unmatched', status: '404' })).toBe(1);
      expect(after).not.toContain('route="/no/such/page"');
    });
  });

  it('draws the set again on the CHART_REFRESH_MS schedule', async () => {
    const first = Date.parse((await getJson<{ generatedAt: string }>('/api/charts')).body.generatedAt);
    let latest = first;
    // CHART_REFRESH_MS is 1 s here: a new set must appear within a few periods without anyone asking for it.
    for (let waited = 0; latest === first && waited < 5_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      latest = Date.parse((await getJson<{ generatedAt: string }>('/api/charts')).body.generatedAt);
    }
    expect(latest).toBeGreaterThan(first);
  }, 10_000);
});
