import { PALETTE } from '../chart-specs';
import { dashboardKpis, escapeHtml, scriptJson } from '../dashboard-html';
import type { DashboardSnapshot } from '../exact/exact-report-store';
import { formatRangeLabel } from '../time-range';
import type { ProcessorMinutePoint } from './processor-minute-series';

/**
 * The live dashboard: one HTML page, its figures rendered by the server from one DashboardSnapshot (the page
 * reads without JavaScript), then Chart.js (served by the reporter from the chart.js package, no CDN) draws the
 * charts in the browser and the page polls the snapshot JSON and redraws: no reload, and tiles and charts
 * always come from the same snapshot.
 */

/** A dashboard snapshot plus the processor's per-minute DLQ and lag, as GET /api/dashboard answers it. */
export interface DashboardView extends DashboardSnapshot {
  processor: { source: string | null; lastError: string | null; points: ProcessorMinutePoint[] };
}

export interface LiveDashboardModel {
  snapshot: DashboardView;
  /** URL of the snapshot JSON for the same range (relative to the page). */
  snapshotUrl: string;
  /** URL of Chart.js's UMD build (relative to the page). */
  chartJsUrl: string;
  refreshMs: number;
  links: readonly { href: string; label: string }[];
}

/** Canvas ids of the charts, in page order, with their titles. */
export const LIVE_CHARTS = [
  { id: 'minute-activity', title: 'Events and orders per minute' },
  { id: 'minute-pipeline', title: 'Processor: dead letters and consumer lag per minute, last hour up to now' },
  { id: 'hourly-history', title: 'Events and revenue per hour' },
  { id: 'top-products', title: 'Revenue by product (top 10)' },
  { id: 'funnel', title: 'Funnel: distinct sessions' },
  { id: 'events-by-type', title: 'Events by type' },
  { id: 'devices', title: 'Events by device type' },
  { id: 'quality', title: 'Data quality score per hour' },
] as const;

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". The client script has the same rule. */
export function formatAge(ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7_200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3_600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function freshnessText(snapshot: DashboardSnapshot): string {
  const { ageMs } = snapshot.freshness;
  return ageMs === null ? 'no events stored yet' : `newest event ${formatAge(ageMs)}`;
}

function rangeNote(snapshot: DashboardSnapshot): string {
  if (!snapshot.defaultRange) return 'the range in the address (from/to)';
  return snapshot.live ? 'live: the last hour up to the newest event' : 'the 24 hours up to the newest data';
}

export function renderLiveDashboardHtml(model: LiveDashboardModel): string {
  const { snapshot } = model;
  const kpis = dashboardKpis(snapshot.summary)
    .map((k) => {
      const hint =
        k.key === 'events'
          ? `${snapshot.summary.sessions.toLocaleString('en-US')} sessions, ${snapshot.summary.users.toLocaleString('en-US')} users`
          : k.key === 'conversion'
            ? 'sessions with a purchase / sessions'
            : k.hint;
      return `
      <div class="kpi" id="kpi-${k.key}">
        <div class="kpi-label">${escapeHtml(k.label)}</div>
        <div class="kpi-value" data-kpi="${k.key}">${escapeHtml(k.value)}</div>
        <div class="kpi-hint" data-kpi-hint="${k.key}">${escapeHtml(hint)}</div>
      </div>`;
    })
    .join('');
  const charts = LIVE_CHARTS.map(
    (c) => `
      <figure class="chart">
        <figcaption>${escapeHtml(c.title)} <span class="chart-range" data-chart-range="${c.id}"></span></figcaption>
        <div class="canvas-box"><canvas id="chart-${c.id}" data-chart="${c.id}" aria-label="${escapeHtml(c.title)}" role="img"></canvas></div>
      </figure>`,
  ).join('');
  const links = model.links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`).join(' · ');
  const config = { snapshotUrl: model.snapshotUrl, refreshMs: model.refreshMs, palette: PALETTE };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>E-commerce pipeline – dashboard</title>
<link rel="icon" href="data:,">
<style>
  :root { --text: ${PALETTE.text}; --muted: #666; --line: #e3e3e3; --accent: ${PALETTE.events}; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: 'DejaVu Sans', 'Segoe UI', Roboto, Arial, sans-serif; color: var(--text); background: #f5f6f8; }
  header { padding: 14px 24px 6px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 18px; }
  h1 { font-size: 22px; margin: 0; }
  .range, .status { color: var(--muted); font-size: 14px; }
  .freshness { font-size: 14px; font-weight: bold; padding: 2px 10px; border-radius: 12px; background: #e6f2e6; color: #2d6a2d; }
  .freshness.stale { background: #fbe9e7; color: #a03020; }
  .badge { font-size: 12px; font-weight: bold; padding: 2px 8px; border-radius: 10px; background: var(--accent); color: #fff; }
  .badge[hidden] { display: none; }
  nav.ranges { padding: 0 24px; font-size: 14px; }
  .kpis { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; padding: 8px 24px; }
  .kpi { background: #fff; border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 6px; padding: 10px 14px; }
  .kpi-label { font-size: 13px; color: var(--muted); }
  .kpi-value { font-size: 26px; font-weight: bold; margin: 2px 0; white-space: nowrap; }
  .kpi-hint { font-size: 12px; color: var(--muted); }
  #kpi-revenue, #kpi-aov { border-top-color: ${PALETTE.revenue}; }
  #kpi-quality { border-top-color: ${PALETTE.quality}; }
  .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; padding: 8px 24px 16px; }
  .chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
  .chart figcaption { font-size: 14px; font-weight: bold; margin-bottom: 4px; }
  .chart-range { font-weight: normal; color: var(--muted); font-size: 12px; }
  .canvas-box { position: relative; height: 260px; }
  footer { padding: 0 24px 20px; font-size: 13px; color: var(--muted); }
  a { color: var(--accent); }
  @media (max-width: 1000px) { .kpis { grid-template-columns: repeat(3, 1fr); } .charts { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>E-commerce pipeline</h1>
  <span class="badge" data-live ${snapshot.live ? '' : 'hidden'}>LIVE</span>
  <span class="range" data-range>${escapeHtml(formatRangeLabel({ fromMs: Date.parse(snapshot.from), toMs: Date.parse(snapshot.to) }))} (${escapeHtml(rangeNote(snapshot))})</span>
  <span class="freshness" data-freshness>${escapeHtml(freshnessText(snapshot))}</span>
  <span class="status" data-status>Updates every ${Math.round(model.refreshMs / 1000)} s</span>
</header>
<nav class="ranges">Range: <a href="./">follow the data</a></nav>
<section class="kpis">${kpis}
</section>
<section class="charts">${charts}
</section>
<footer>${links}</footer>
<script type="application/json" id="dashboard-config">${scriptJson(config)}</script>
<script type="application/json" id="dashboard-snapshot">${scriptJson(snapshot)}</script>
<script src="${escapeHtml(model.chartJsUrl)}"></script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** Draws and redraws the charts and tiles from a snapshot; mirrors dashboardKpis and formatAge. */
const CLIENT_SCRIPT = `
(function () {
  var config = JSON.parse(document.getElementById('dashboard-config').textContent);
  var snapshot = JSON.parse(document.getElementById('dashboard-snapshot').textContent);
  var P = config.palette;
  var NA = '\\u2013';
  var group = function (text) {
    var parts = String(text).split('.');
    return parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',') + (parts.length > 1 ? '.' + parts[1] : '');
  };
  var count = function (n) { return group(String(Math.round(n))); };
  var pct = function (share, places) { return (share * 100).toFixed(places) + '%'; };
  var set = function (selector, value) { var el = document.querySelector(selector); if (el) el.textContent = value; };
  var age = function (ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 120) return s + ' s ago';
    if (s < 7200) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  };
  var hhmm = function (iso) { return iso.slice(11, 16); };
  var dayHour = function (iso) { return iso.slice(5, 10) + ' ' + iso.slice(11, 16); };
  var charts = {};
  var fetchedAt = Date.now();

  function showTiles(s) {
    set('[data-kpi="events"]', count(s.events));
    set('[data-kpi-hint="events"]', count(s.sessions) + ' sessions, ' + count(s.users) + ' users');
    set('[data-kpi="orders"]', count(s.orders));
    set('[data-kpi-hint="orders"]', count(s.units) + ' units');
    set('[data-kpi="revenue"]', '$' + group(s.revenue));
    set('[data-kpi="aov"]', s.averageOrderValue === null ? NA : '$' + group(s.averageOrderValue));
    set('[data-kpi="conversion"]', s.conversionRate === null ? NA : pct(Number(s.conversionRate), 2));
    set('[data-kpi="quality"]', s.quality === null ? NA : pct(s.quality.score, 0));
    set('[data-kpi-hint="quality"]', s.quality === null ? 'no quality reports' : s.quality.label + ' checks passed');
  }

  function showFreshness() {
    var el = document.querySelector('[data-freshness]');
    if (!el) return;
    var f = snapshot.freshness;
    if (f.ageMs === null) { el.textContent = 'no events stored yet'; el.classList.add('stale'); return; }
    var ageMs = f.ageMs + (Date.now() - fetchedAt);
    el.textContent = 'newest event ' + age(ageMs);
    el.classList.toggle('stale', ageMs > 5 * 60 * 1000);
  }

  function draw(id, type, data, options) {
    var canvas = document.getElementById('chart-' + id);
    if (!canvas || typeof Chart === 'undefined') return;
    if (charts[id]) {
      charts[id].data = data;
      charts[id].update('none');
      return;
    }
    charts[id] = new Chart(canvas, {
      type: type,
      data: data,
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } }, options || {}),
    });
  }

  function twoAxes(leftTitle, rightTitle) {
    return {
      scales: {
        y: { beginAtZero: true, title: { display: true, text: leftTitle } },
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: rightTitle } },
      },
    };
  }

  function showCharts(s) {
    var minutes = s.minutes.points;
    set('[data-chart-range="minute-activity"]', hhmm(s.minutes.from) + '\\u2013' + hhmm(s.minutes.to) + ' UTC');
    draw('minute-activity', 'bar', {
      labels: minutes.map(function (p) { return hhmm(p.minute); }),
      datasets: [
        { type: 'bar', label: 'Events', data: minutes.map(function (p) { return p.events; }), backgroundColor: P.events, yAxisID: 'y' },
        { type: 'line', label: 'Orders', data: minutes.map(function (p) { return p.orders; }), borderColor: P.revenue, backgroundColor: P.revenue, yAxisID: 'y1', pointRadius: 2 },
      ],
    }, twoAxes('events', 'orders'));

    var pipeline = s.processor ? s.processor.points : [];
    var note = !s.processor || !s.processor.source ? '(not sampled: PROCESSOR_METRICS_URL is empty)' : s.processor.lastError ? '(processor metrics unreadable: ' + s.processor.lastError + ')' : '';
    set('[data-chart-range="minute-pipeline"]', note);
    draw('minute-pipeline', 'bar', {
      labels: pipeline.map(function (p) { return hhmm(p.minute); }),
      datasets: [
        { type: 'bar', label: 'Dead-lettered', data: pipeline.map(function (p) { return p.deadLettered; }), backgroundColor: P.eventTypes.remove_from_cart || '#e15759', yAxisID: 'y' },
        { type: 'line', label: 'Consumer lag', data: pipeline.map(function (p) { return p.lag; }), borderColor: P.neutral, backgroundColor: P.neutral, yAxisID: 'y1', pointRadius: 2, spanGaps: false },
      ],
    }, twoAxes('messages', 'lag (messages)'));

    var hours = s.history.points;
    set('[data-chart-range="hourly-history"]', dayHour(s.history.from) + '\\u2013' + dayHour(s.history.to) + ' UTC');
    draw('hourly-history', 'bar', {
      labels: hours.map(function (p) { return dayHour(p.hour); }),
      datasets: [
        { type: 'bar', label: 'Events', data: hours.map(function (p) { return p.events; }), backgroundColor: P.events, yAxisID: 'y' },
        { type: 'line', label: 'Revenue ($)', data: hours.map(function (p) { return p.revenueCents / 100; }), borderColor: P.revenue, backgroundColor: P.revenue, yAxisID: 'y1', pointRadius: 2 },
      ],
    }, twoAxes('events', 'revenue ($)'));

    draw('top-products', 'bar', {
      labels: s.products.map(function (p) { return p.name.length > 28 ? p.name.slice(0, 27) + '\\u2026' : p.name; }),
      datasets: [{ label: 'Revenue ($)', data: s.products.map(function (p) { return p.revenueCents / 100; }), backgroundColor: P.revenue }],
    }, { indexAxis: 'y', plugins: { legend: { display: false } } });

    draw('funnel', 'bar', {
      labels: s.funnel.map(function (f) { return f.stage === 'viewed' ? 'Viewed a product page' : f.stage === 'added_to_cart' ? 'Added to cart' : 'Purchased'; }),
      datasets: [{ label: 'Distinct sessions', data: s.funnel.map(function (f) { return f.sessions; }), backgroundColor: [P.events, P.eventTypes.add_to_cart || P.events, P.quality] }],
    }, { plugins: { legend: { display: false } } });

    var types = Object.keys(s.summary.eventsByType);
    draw('events-by-type', 'bar', {
      labels: types,
      datasets: [{ label: 'Events', data: types.map(function (t) { return s.summary.eventsByType[t]; }), backgroundColor: types.map(function (t) { return P.eventTypes[t] || P.neutral; }) }],
    }, { plugins: { legend: { display: false } } });

    draw('devices', 'doughnut', {
      labels: s.devices.map(function (d) { return d.deviceType; }),
      datasets: [{ label: 'Events', data: s.devices.map(function (d) { return d.events; }), backgroundColor: [P.events, P.revenue, P.validRows, P.neutral] }],
    }, { scales: {} });

    var quality = {};
    s.quality.hours.forEach(function (h) { quality[h.hour] = h.qualityScore * 100; });
    set('[data-chart-range="quality"]', dayHour(s.history.from) + '\\u2013' + dayHour(s.history.to) + ' UTC');
    // Bars, not a line: in the first hours of a run a line is a lone dot; an hour without a report has no bar.
    draw('quality', 'bar', {
      labels: hours.map(function (p) { return dayHour(p.hour); }),
      datasets: [{ label: 'Checks passed (%)', data: hours.map(function (p) { return p.hour in quality ? quality[p.hour] : null; }), backgroundColor: P.quality }],
    }, { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } });
  }

  function show(s) {
    snapshot = s;
    fetchedAt = Date.now();
    showTiles(s.summary);
    showCharts(s);
    showFreshness();
    document.body.setAttribute('data-version', s.dataVersion);
  }

  function refresh() {
    fetch(config.snapshotUrl, { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (s) {
        show(s);
        set('[data-status]', 'Updated ' + new Date().toLocaleTimeString());
      })
      .catch(function (error) { set('[data-status]', 'Update failed (' + error.message + '), retrying'); });
  }

  show(snapshot);
  setInterval(showFreshness, 1000);
  setInterval(refresh, config.refreshMs);
})();
`;

/** A plain HTML error page for the dashboard route (the API answers JSON). */
export function renderErrorHtml(status: number, title: string, messages: readonly string[]): string {
  const items = messages.map((m) => `<li>${escapeHtml(m)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${status} ${escapeHtml(title)} – E-commerce pipeline</title><link rel="icon" href="data:,">
<style>body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 40px; color: #333; } h1 { font-size: 22px; } li { margin: 4px 0; }</style>
</head>
<body>
<h1>${status} ${escapeHtml(title)}</h1>
<ul>${items}</ul>
<p>Dates are ISO-8601 with a zone, e.g. <code>?from=2026-11-27T09:00:00Z&amp;to=2026-11-27T10:30:00Z</code>. <a href="./">Back to the dashboard</a> (the default range follows the data).</p>
</body>
</html>
`;
}
