import {
  csvText,
  devicesCsvTable,
  funnelCsvTable,
  neutralizeFormula,
  productsCsvTable,
  qualityCsvTable,
} from './csv-export';
import { sampleSnapshot } from './testing/fixtures';

const snapshot = sampleSnapshot();
const lines = (text: string) => text.trimEnd().split('\n');

describe('CSV export', () => {
  it('products: ranked, names quoted when they hold commas', () => {
    const products = [{ ...snapshot.products[1], name: 'Tea, "Earl Grey"' }];
    expect(lines(csvText(productsCsvTable(products)))[1]).toBe('1,p-0001,"Tea, ""Earl Grey""",Home,10,2,1,9500,95.00');
  });

  it('devices, funnel and quality tables have a row per item and empty cells for nulls', () => {
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
