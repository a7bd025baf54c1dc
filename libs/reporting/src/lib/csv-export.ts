import { toCsv, type CsvValue } from '@pipeline/storage';
import type { DeviceTotal, FunnelStep, ProductTotal, QualityOverview } from './range-aggregation';

/** A table for CSV download: snake_case headers like the stored metric tables, one row per record. */
export interface CsvTable {
  columns: readonly string[];
  rows: (CsvValue | null)[][];
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab/CR) as a formula. Product names come from the
 * event stream, which anyone who can produce to Kafka writes, so text cells get a leading apostrophe.
 * Numbers and decimal text such as "-0.05" are left alone.
 */
export function neutralizeFormula(value: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 text; null becomes an empty field. */
export function csvText(table: CsvTable): string {
  const cell = (value: CsvValue | null): CsvValue => (value === null ? '' : typeof value === 'string' ? neutralizeFormula(value) : value);
  return toCsv(table.columns, table.rows.map((row) => row.map(cell)));
}

export function productsCsvTable(products: readonly ProductTotal[]): CsvTable {
  return {
    columns: ['rank', 'product_id', 'product_name', 'category', 'views', 'add_to_carts', 'units', 'revenue_cents', 'revenue'],
    rows: products.map((p, i) => [i + 1, p.productId, p.name, p.category, p.views, p.addToCarts, p.units, p.revenueCents, p.revenue]),
  };
}

export function devicesCsvTable(devices: readonly DeviceTotal[]): CsvTable {
  return {
    columns: ['device_type', 'events', 'event_share', 'orders', 'revenue_cents', 'revenue'],
    rows: devices.map((d) => [d.deviceType, d.events, d.eventShare, d.orders, d.revenueCents, d.revenue]),
  };
}

export function funnelCsvTable(steps: readonly FunnelStep[]): CsvTable {
  return {
    columns: ['stage', 'sessions', 'share_of_first', 'share_of_previous'],
    rows: steps.map((s) => [s.stage, s.sessions, s.shareOfFirst, s.shareOfPrevious]),
  };
}

/** One row per hour with a report. */
export function qualityCsvTable(quality: QualityOverview): CsvTable {
  return {
    columns: [
      'hour',
      'quality_score',
      'checks_passed',
      'checks_total',
      'rows_evaluated',
      'rows_valid',
      'valid_share',
      'row_weighted_score',
      'failing_checks',
    ],
    rows: quality.hours.map((h) => [
      h.hour,
      h.qualityScore.toFixed(4),
      h.checksPassed,
      h.checksTotal,
      h.rowsEvaluated,
      h.rowsValid,
      h.validShare.toFixed(4),
      h.rowWeightedScore.toFixed(4),
      h.failingChecks.join(' '),
    ]),
  };
}
