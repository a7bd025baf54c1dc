import { CHART_TITLES, PALETTE, type ChartName } from './chart-specs';
import { formatCount, formatPercent, groupThousands } from './number-format';
import type { Summary } from './range-aggregation';
import { formatRangeLabel, type TimeRange } from './time-range';

export interface DashboardChart {
  name: ChartName;
  /** URL of the PNG, relative to the page. */
  src: string;
}

export interface DashboardModel {
  summary: Summary;
  range: TimeRange;
  charts: readonly DashboardChart[];
  chartWidth: number;
  chartHeight: number;
  /** JSON summary the page polls to update the KPIs (same range as the page). */
  summaryUrl: string;
  refreshMs: number;
  /** True when the page shows the default range (no from/to in its URL). */
  defaultRange: boolean;
  /** Links shown in the footer, e.g. the API docs. */
  links: readonly { href: string; label: string }[];
}

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

/**
 * The whole dashboard as one HTML document: no build step, no external assets. The server renders the
 * figures (the page is complete without JavaScript); a small script then polls the summary and reloads the
 * chart images every refreshMs.
 */
export function renderDashboardHtml(model: DashboardModel): string {
  const kpis = dashboardKpis(model.summary)
    .map(
      (k) => `
      <div class="kpi" id="kpi-${k.key}">
        <div class="kpi-label">${escapeHtml(k.label)}</div>
        <div class="kpi-value" data-kpi="${k.key}">${escapeHtml(k.value)}</div>
        <div class="kpi-hint" data-kpi-hint="${k.key}">${escapeHtml(k.hint)}</div>
      </div>`,
    )
    .join('');
  const charts = model.charts
    .map(
      (c) => `
      <figure class="chart">
        <img data-chart="${c.name}" src="${escapeHtml(c.src)}" alt="${escapeHtml(CHART_TITLES[c.name])}"
             width="${model.chartWidth}" height="${model.chartHeight}">
      </figure>`,
    )
    .join('');
  const links = model.links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`).join(' · ');
  const config = { summaryUrl: model.summaryUrl, refreshMs: model.refreshMs };
  const rangeNote = model.defaultRange
    ? 'the 24 hours up to the newest stored data'
    : 'the range in the address (from/to)';
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
  .kpis { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; padding: 8px 24px; }
  .kpi { background: #fff; border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 6px; padding: 10px 14px; }
  .kpi-label { font-size: 13px; color: var(--muted); }
  .kpi-value { font-size: 26px; font-weight: bold; margin: 2px 0; white-space: nowrap; }
  .kpi-hint { font-size: 12px; color: var(--muted); }
  #kpi-revenue, #kpi-aov { border-top-color: ${PALETTE.revenue}; }
  #kpi-quality { border-top-color: ${PALETTE.quality}; }
  .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; padding: 8px 24px 16px; }
  .chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
  .chart img { display: block; width: 100%; height: auto; }
  footer { padding: 0 24px 20px; font-size: 13px; color: var(--muted); }
  a { color: var(--accent); }
  @media (max-width: 1000px) { .kpis { grid-template-columns: repeat(3, 1fr); } .charts { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>E-commerce pipeline</h1>
  <span class="range" data-range>${escapeHtml(formatRangeLabel(model.range))} (${escapeHtml(rangeNote)})</span>
  <span class="status" data-status>Refreshes every ${Math.round(model.refreshMs / 1000)} s</span>
</header>
<section class="kpis">${kpis}
</section>
<section class="charts">${charts}
</section>
<footer>${links}</footer>
<script type="application/json" id="dashboard-config">${scriptJson(config)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** Mirrors dashboardKpis for the polled JSON; kept tiny and dependency-free. */
const CLIENT_SCRIPT = `
(function () {
  var config = JSON.parse(document.getElementById('dashboard-config').textContent);
  var group = function (text) {
    var parts = String(text).split('.');
    return parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',') + (parts.length > 1 ? '.' + parts[1] : '');
  };
  var count = function (n) { return group(String(Math.round(n))); };
  var pct = function (share, places) { return (share * 100).toFixed(places) + '%'; };
  var set = function (selector, value) { var el = document.querySelector(selector); if (el) el.textContent = value; };
  var status = function (text) { set('[data-status]', text); };
  function showSummary(s) {
    set('[data-kpi="events"]', count(s.events));
    set('[data-kpi-hint="events"]', count(s.sessions) + ' sessions (summed per hour)');
    set('[data-kpi="orders"]', count(s.orders));
    set('[data-kpi-hint="orders"]', count(s.units) + ' units');
    set('[data-kpi="revenue"]', '$' + group(s.revenue));
    set('[data-kpi="aov"]', s.averageOrderValue === null ? '${NOT_AVAILABLE}' : '$' + group(s.averageOrderValue));
    set('[data-kpi="conversion"]', s.conversionRate === null ? '${NOT_AVAILABLE}' : pct(Number(s.conversionRate), 2));
    set('[data-kpi="quality"]', s.quality === null ? '${NOT_AVAILABLE}' : pct(s.quality.score, 0));
    set('[data-kpi-hint="quality"]', s.quality === null ? 'no quality reports' : s.quality.label + ' checks passed');
  }
  function reloadImage(img) {
    // The same URL would come from the browser's image cache; fetch it afresh and swap in the new bytes.
    var src = img.getAttribute('data-src') || img.getAttribute('src');
    img.setAttribute('data-src', src);
    return fetch(src, { cache: 'no-store' }).then(function (response) {
      if (!response.ok) return;
      return response.blob().then(function (blob) {
        var previous = img.getAttribute('data-object-url');
        var url = URL.createObjectURL(blob);
        img.src = url;
        img.setAttribute('data-object-url', url);
        if (previous) URL.revokeObjectURL(previous);
      });
    });
  }
  function refresh() {
    fetch(config.summaryUrl, { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (summary) {
        showSummary(summary);
        var images = Array.prototype.slice.call(document.querySelectorAll('img[data-chart]'));
        return Promise.all(images.map(reloadImage));
      })
      .then(function () { status('Updated ' + new Date().toLocaleTimeString()); })
      .catch(function (error) { status('Update failed (' + error.message + '), retrying'); });
  }
  setInterval(refresh, config.refreshMs);
})();
`;
