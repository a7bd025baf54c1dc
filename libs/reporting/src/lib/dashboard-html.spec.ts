import { dashboardKpis, escapeHtml, scriptJson } from './dashboard-html';
import { emptySnapshot, sampleSnapshot } from './testing/fixtures';

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

  it('escapes whatever reaches the page', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });
});
