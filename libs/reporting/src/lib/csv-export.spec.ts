import {
  csvText,
  devicesCsvTable,
  funnelCsvTable,
  hourlyCsvTable,
  neutralizeFormula,
  productsCsvTable,
  qualityCsvTable,
  summaryCsvTable,
} from './csv-export';
import { sampleSnapshot } from './testing/fixtures';

const snapshot = sampleSnapshot();
const lines = (text: string) => text.trimEnd().split('\n');

describe('CSV export', () => {
  it('summary: one row, event types as columns, exact money', () => {
    const [header, row, ...rest] = lines(csvText(summaryCsvTable(snapshot.summary)));
    expect(header).toBe(
      'from,to,hours,events,events_page_view,events_search,events_add_to_cart,events_remove_from_cart,events_purchase,' +
        'orders,units,revenue_cents,revenue,sessions,avg_order_value,conversion_rate,quality_score,quality_checks',
    );
    expect(row).toBe('2026-11-27T09:00:00.000Z,2026-11-27T12:00:00.000Z,2,200,179,17,0,0,4,4,5,13344,133.44,70,33.36,0.0571,0.5000,1/2');
    expect(rest).toEqual([]);
  });

  it('products: ranked, names quoted when they hold commas', () => {
    const products = [{ ...snapshot.products[1], name: 'Tea, "Earl Grey"' }];
    expect(lines(csvText(productsCsvTable(products)))[1]).toBe('1,p-0001,"Tea, ""Earl Grey""",Home,10,2,1,9500,95.00');
  });

  it('hourly, devices, funnel and quality tables have a row per item and empty cells for nulls', () => {
    expect(lines(csvText(hourlyCsvTable(snapshot.hourly)))).toHaveLength(4);
    expect(lines(csvText(devicesCsvTable(snapshot.devices)))[1]).toBe('desktop,50,0.25,1,999,9.99');
    expect(lines(csvText(funnelCsvTable(snapshot.funnel)))[1]).toBe('viewed,40,1,');
    expect(lines(csvText(qualityCsvTable(snapshot.quality)))[2]).toBe('2026-11-27T10:00:00.000Z,0.5000,1,2,80,78,0.9750,0.9875,a');
  });

  it('keeps spreadsheets from running text cells as formulas', () => {
    expect(neutralizeFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(neutralizeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeFormula('-0.05')).toBe('-0.05');
    expect(neutralizeFormula('Blue Mug')).toBe('Blue Mug');
    const products = [{ ...snapshot.products[1], name: '+cmd' }];
    expect(lines(csvText(productsCsvTable(products)))[1]).toContain(",'+cmd,");
  });
});
