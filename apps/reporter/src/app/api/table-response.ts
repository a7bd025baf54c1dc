import { csvText, type CsvTable, type TimeRange } from '@pipeline/reporting';
import type { Request, Response } from 'express';

/** CSV when the path ends in ".csv" or the client prefers text/csv; JSON otherwise (browsers send *\/*). */
export function wantsCsv(req: Request): boolean {
  if (req.path.endsWith('.csv')) return true;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** The filename a CSV download is saved under, e.g. "top-products_2026-11-27T00-00Z_2026-11-28T00-00Z.csv". */
export function csvFileName(base: string, range: TimeRange): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(':', '-') + 'Z';
  return `${base}_${stamp(range.fromMs)}_${stamp(range.toMs)}.csv`;
}

/**
 * Answers with the JSON body, or with the same figures as a CSV download. Used with
 * @Res({ passthrough: true }) so Nest still sends the returned value.
 */
export function tableResponse<T>(
  req: Request,
  res: Response,
  json: T,
  csv: { name: string; range: TimeRange; table: () => CsvTable },
): T | string {
  res.vary('Accept');
  if (!wantsCsv(req)) return json;
  res.type('text/csv; charset=utf-8');
  res.attachment(csvFileName(csv.name, csv.range));
  return csvText(csv.table());
}
