import { CHART_NAMES } from './chart-specs';
import { dashboardKpis, escapeHtml, renderDashboardHtml, scriptJson, type DashboardModel } from './dashboard-html';
import { emptySnapshot, sampleSnapshot } from './testing/fixtures';

const model = (overrides: Partial<DashboardModel> = {}): DashboardModel => {
  const snapshot = sampleSnapshot();
  return {
    summary: snapshot.summary,
    range: snapshot.range,
    charts: CHART_NAMES.map((name) => ({ name, src: `charts/${name}.png` })),
    chartWidth: 960,
    chartHeight: 480,
    summaryUrl: 'api/summary',
    refreshMs: 30_000,
    defaultRange: true,
    links: [{ href: 'docs', label: 'API' }],
    ...overrides,
  };
};

describe('dashboard', () => {
  it('formats the six headline figures', () => {
    expect(dashboardKpis(sampleSnapshot().summary).map((k) => [k.key, k.value])).toEqual([
      ['events', '200'],
      ['orders', '4'],
      ['revenue', '$133.44'],
      ['aov', '$33.36'],
      ['conversion', '5.71%'],
      ['quality', '50%'],
    ]);
  });

  it('shows a dash where a figure is undefined', () => {
    const kpis = dashboardKpis(emptySnapshot().summary);
    expect(kpis.filter((k) => k.value === '–').map((k) => k.key)).toEqual(['aov', 'conversion', 'quality']);
  });

  it('renders the KPIs, every chart and the polling config', () => {
    const html = renderDashboardHtml(model());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('data-kpi="revenue">$133.44<');
    for (const name of CHART_NAMES) expect(html).toContain(`src="charts/${name}.png"`);
    expect(html).toContain('<script type="application/json" id="dashboard-config">{"summaryUrl":"api/summary","refreshMs":30000}</script>');
    expect(html).toContain('2026-11-27 09:00 – 2026-11-27 12:00 UTC');
  });

  it('escapes whatever reaches the page', () => {
    const html = renderDashboardHtml(model({ summaryUrl: '</script><script>alert(1)</script>', links: [{ href: '"><b>', label: '<i>' }] }));
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('&#34;&#62;&#60;b&#62;');
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });
});
