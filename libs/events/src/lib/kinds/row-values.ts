/** A stored event as flat columns (Parquet/CSV row): see EVENT_COLUMNS. */
export type EventRow = Record<string, string | number | null>;

/** Typed reads of a stored row, for the kinds' fromRow; a wrong type means a corrupt file, so they throw. */
export function rowText(row: EventRow, name: string): string {
  const value = row[name];
  if (typeof value !== 'string') throw new Error(`row ${String(row['event_id'])}: ${name} must be a string, got ${value}`);
  return value;
}

export function rowOptionalText(row: EventRow, name: string): string | null {
  return row[name] === null || row[name] === undefined ? null : rowText(row, name);
}

export function rowNumber(row: EventRow, name: string): number {
  const value = row[name];
  if (typeof value !== 'number') throw new Error(`row ${String(row['event_id'])}: ${name} must be a number, got ${value}`);
  return value;
}
