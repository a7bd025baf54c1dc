import { computePartial, emptyPartial } from './hourly-partial';
import { hourlyMetricTables, METRIC_TABLE_COLUMNS, metricRowHourStart, metricTableCsv, metricTableParquet, typedMetricRow } from './metric-tables';
import { decodeParquet } from './parquet-codec';
import { parseCsvObjects } from './csv';
import { PartitionPath } from './partition-path';
import { addToCart, pageView, purchase, PRODUCTS, search } from './testing/event-factory';

const HOUR = PartitionPath.parse('year=2026/month=11/day=27/hour=10');
const at = (n: number, session: string, device: 'desktop' | 'mobile' | 'tablet' = 'desktop') => ({
  n,
  time: `2026-11-27T10:${String(n).padStart(2, '0')}:00.000Z`,
  session,
  user: `u-${session}`,
  device,
});
const [mug, tea, pen] = PRODUCTS;

function tables() {
  const partial = computePartial(HOUR, [
    pageView(at(1, 'a')),
    pageView(at(2, 'b'), tea),
    search(at(3, 'c')),
    addToCart(at(4, 'a'), mug),
    purchase(at(5, 'a', 'mobile'), [[mug, 2], [tea, 3]]), // 2598 + 30
    purchase(at(6, 'b', 'tablet'), [[pen, 1]]), // 30
  ]);
  return Object.fromEntries(hourlyMetricTables(partial).map((t) => [t.name, t]));
}

describe('hourly metric tables', () => {
  it('summary: counts, exact revenue and rounded ratios', () => {
    expect(metricTableCsv(tables()['summary'])).toBe(
      'hour_start,events,sessions,users,page_views,searches,add_to_carts,remove_from_carts,orders,units,revenue_cents,revenue,avg_order_value,conversion_rate\n' +
        '2026-11-27T10:00:00.000Z,6,3,3,2,1,1,0,2,6,2658,26.58,13.29,0.6667\n',
    );
  });

  it('avg_order_value is empty without orders', () => {
    const [summary] = hourlyMetricTables(computePartial(HOUR, [pageView(at(1, 'a'))]));
    expect(summary.rows[0]).toMatchObject({ orders: 0, revenue: '0.00', avg_order_value: '', conversion_rate: '0.0000' });
    expect(hourlyMetricTables(emptyPartial(HOUR))[0].rows[0]).toMatchObject({ sessions: 0, conversion_rate: '0.0000' });
  });

  it('products sorted by revenue desc then id, with RFC 4180 quoting of names', () => {
    expect(metricTableCsv(tables()['products'])).toBe(
      'hour_start,product_id,product_name,category,views,add_to_carts,units,revenue_cents,revenue\n' +
        '2026-11-27T10:00:00.000Z,p-0001,Blue Mug,Home,1,1,2,2598,25.98\n' +
        '2026-11-27T10:00:00.000Z,p-0002,"Tea, ""Earl Grey""",Grocery,1,0,3,30,0.30\n' +
        '2026-11-27T10:00:00.000Z,p-0003,Pen,Office,0,0,1,30,0.30\n',
    );
  });

  it('events_by_type, categories, devices and funnel in fixed column order', () => {
    const t = tables();
    expect(metricTableCsv(t['events_by_type']).split('\n').slice(0, 3)).toEqual([
      'hour_start,event_type,events',
      '2026-11-27T10:00:00.000Z,page_view,2',
      '2026-11-27T10:00:00.000Z,search,1',
    ]);
    expect(t['events_by_type'].rows).toHaveLength(5);
    expect(metricTableCsv(t['categories'])).toBe(
      'hour_start,category,units,revenue_cents,revenue\n' +
        '2026-11-27T10:00:00.000Z,Home,2,2598,25.98\n' +
        '2026-11-27T10:00:00.000Z,Grocery,3,30,0.30\n' +
        '2026-11-27T10:00:00.000Z,Office,1,30,0.30\n',
    );
    expect(metricTableCsv(t['devices'])).toBe(
      'hour_start,device_type,events,orders,revenue_cents,revenue\n' +
        '2026-11-27T10:00:00.000Z,desktop,4,0,0,0.00\n' +
        '2026-11-27T10:00:00.000Z,mobile,1,1,2628,26.28\n' +
        '2026-11-27T10:00:00.000Z,tablet,1,1,30,0.30\n',
    );
    // a viewed mug and added it; b viewed tea (page_view with product) and bought; c only searched
    expect(metricTableCsv(t['funnel'])).toBe(
      'hour_start,stage,sessions\n' +
        '2026-11-27T10:00:00.000Z,viewed,2\n' +
        '2026-11-27T10:00:00.000Z,added_to_cart,1\n' +
        '2026-11-27T10:00:00.000Z,purchased,2\n',
    );
  });

  it('Parquet tables hold the same rows with hour_start as a timestamp and counts as integers', async () => {
    const products = tables()['products'];
    const rows = [];
    for await (const row of decodeParquet(await metricTableParquet(products))) rows.push(row);
    expect(rows).toEqual(products.rows.map((r) => ({ ...r, hour_start: HOUR.startMs })));
  });

  it('no column is named like a Hive folder key of the lake (year, month, day, hour)', () => {
    for (const columns of Object.values(METRIC_TABLE_COLUMNS)) {
      expect(columns.filter((c) => ['year', 'month', 'day', 'hour'].includes(c.name))).toEqual([]);
      expect(columns[0]).toEqual({ name: 'hour_start', type: 'timestamp_millis', required: true });
    }
  });

  it('CSV reads back to the same typed rows', () => {
    for (const table of Object.values(tables())) {
      const back = parseCsvObjects(metricTableCsv(table)).map((fields) => typedMetricRow(table.name, fields));
      expect(back).toEqual(table.rows);
      expect(Object.keys(back[0] ?? {})).toEqual(METRIC_TABLE_COLUMNS[table.name].map((c) => c.name));
    }
  });

  it('a table written before the rename (first column `hour`) reads back as if written now, with hour_start', () => {
    for (const table of Object.values(tables())) {
      const legacyCsv = metricTableCsv(table).replace(/^hour_start,/, 'hour,');
      expect(legacyCsv.startsWith('hour,')).toBe(true);
      const back = parseCsvObjects(legacyCsv).map((fields) => typedMetricRow(table.name, fields));
      expect(back).toEqual(table.rows);
    }
  });

  it('a CSV with neither hour_start nor hour is refused', () => {
    expect(() => typedMetricRow('funnel', { stage: 'viewed', sessions: '1' })).toThrow(/missing column hour_start/);
  });

  it('metricRowHourStart prefers hour_start and falls back to the old hour', () => {
    expect(metricRowHourStart({ hour_start: '2026-11-27T10:00:00.000Z', hour: 'x' })).toBe('2026-11-27T10:00:00.000Z');
    expect(metricRowHourStart({ hour: '2026-11-27T09:00:00.000Z' })).toBe('2026-11-27T09:00:00.000Z');
    expect(metricRowHourStart({ events: 1 })).toBeUndefined();
  });
});
