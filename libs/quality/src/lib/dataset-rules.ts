import type { EventType } from '@pipeline/events';
import { toEpochMillis } from './dataset';
import { findDuplicateIndices } from './id-fingerprints';
import type { DatasetRule, Severity } from './rule.types';

/** Factories for the dataset-level rule kinds. Each returns a plain DatasetRule. */

export interface DatasetRuleIdentity {
  id: string;
  description: string;
  /** Default 'error' for uniqueness and completeness, 'warn' for the metric rules. */
  severity?: Severity;
}

const missingColumn = (name: string) => ({ skipped: `column ${name} is not available` });

/**
 * Each id occurs once: within the dataset, and (when the context carries SeenIds) not already stored
 * in the same event-time hour by an earlier batch. The first occurrence in the dataset is the valid one.
 */
export function uniquenessRule(
  options: DatasetRuleIdentity & { mostly?: number; column?: string; timeColumn?: string },
): DatasetRule {
  const column = options.column ?? 'event_id';
  const timeColumn = options.timeColumn ?? 'event_time';
  return {
    id: options.id,
    description: options.description,
    severity: options.severity ?? 'error',
    kind: 'uniqueness',
    columns: [column, timeColumn],
    threshold: { mostly: options.mostly ?? 1 },
    measure(data, context) {
      const ids = data.column(column);
      if (!ids) return missingColumn(column);
      const repeated = findDuplicateIndices(ids);
      const seen = context.seenIds;
      const times = seen ? data.column(timeColumn) : undefined;
      // Usually neither list has a row: no Set, spread or sort per batch for the common case.
      let stored: number[] | undefined;
      if (seen && times) {
        for (let row = 0; row < ids.length; row++) {
          const id = ids[row];
          const time = toEpochMillis(times[row]);
          if (typeof id === 'string' && time !== null && seen.has(id, time)) (stored ??= []).push(row);
        }
      }
      return { evaluated: data.size, failedRows: stored ? unionAscending(repeated, stored) : repeated };
    },
  };
}

/** The rows of two ascending lists, ascending, each once. */
function unionAscending(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const union: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) union.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) union.push(b[j++]);
    else {
      union.push(a[i++]);
      j++;
    }
  }
  return union;
}

/** Share of non-empty values of a column among the rows whose event kind should carry it. */
export function completenessRule(
  options: DatasetRuleIdentity & { column: string; appliesTo?: readonly EventType[]; mostly: number },
): DatasetRule {
  const kinds = options.appliesTo ? new Set<unknown>(options.appliesTo) : undefined;
  return {
    id: options.id,
    description: options.description,
    severity: options.severity ?? 'error',
    kind: 'completeness',
    columns: kinds ? [options.column, 'event_type'] : [options.column],
    threshold: { mostly: options.mostly },
    measure(data) {
      const values = data.column(options.column);
      if (!values) return missingColumn(options.column);
      const types = kinds ? data.column('event_type') : undefined;
      if (kinds && !types) return missingColumn('event_type');
      let evaluated = 0;
      const failedRows: number[] = [];
      for (let row = 0; row < values.length; row++) {
        if (kinds && !kinds.has(types?.[row])) continue;
        evaluated++;
        const value = values[row];
        if (value === null || value === undefined || value === '') failedRows.push(row);
      }
      return { evaluated, failedRows };
    },
  };
}

/** Age of the newest event against the injected now, in seconds; passes when <= maxAgeSeconds. */
export function freshnessRule(
  options: DatasetRuleIdentity & { maxAgeSeconds: number; column?: string },
): DatasetRule {
  const column = options.column ?? 'event_time';
  return {
    id: options.id,
    description: options.description,
    severity: options.severity ?? 'warn',
    kind: 'freshness',
    columns: [column],
    threshold: { metric: 'newest_event_age_seconds', min: null, max: options.maxAgeSeconds },
    measure(data, context) {
      const times = data.column(column);
      if (!times) return missingColumn(column);
      let newest = -Infinity;
      for (const value of times) {
        const time = toEpochMillis(value);
        if (time !== null && time > newest) newest = time;
      }
      if (newest === -Infinity) return { skipped: 'no timed rows' };
      return { evaluated: data.size, metric: (context.nowMs - newest) / 1000 };
    },
  };
}

/**
 * Row count against the mean of the trailing hours: flags a drop below mean/factor or a spike above
 * mean*factor (both bounds pass exactly at the factor). Needs a baseline, so it skips with fewer than
 * `minTrailingHours` trailing counts or a zero mean; a micro-batch (no trailing counts) always skips.
 */
export function volumeRule(
  options: DatasetRuleIdentity & { factor: number; minTrailingHours: number },
): DatasetRule {
  if (!(options.factor >= 1)) throw new Error(`rule ${options.id}: volume factor must be >= 1`);
  return {
    id: options.id,
    description: options.description,
    severity: options.severity ?? 'warn',
    kind: 'volume',
    columns: [],
    threshold: { metric: 'rows_to_trailing_mean', min: 1 / options.factor, max: options.factor },
    measure(data, context) {
      const trailing = context.trailingHourCounts ?? [];
      if (trailing.length < options.minTrailingHours) {
        return { skipped: `needs ${options.minTrailingHours} trailing hours, has ${trailing.length}` };
      }
      const mean = trailing.reduce((total, n) => total + n, 0) / trailing.length;
      if (mean === 0) return { skipped: 'trailing hours are empty' };
      return { evaluated: data.size, metric: data.size / mean };
    },
  };
}

/**
 * Share of one event kind among all rows, within [min, max]. Small datasets are too noisy to judge
 * (3 purchases in 10 events is a normal batch), so it skips below `minRows`.
 */
export function eventTypeShareRule(
  options: DatasetRuleIdentity & { eventType: EventType; min?: number; max?: number; minRows: number },
): DatasetRule {
  return {
    id: options.id,
    description: options.description,
    severity: options.severity ?? 'warn',
    kind: 'distribution',
    columns: ['event_type'],
    threshold: { metric: `${options.eventType}_share`, min: options.min ?? null, max: options.max ?? null },
    measure(data) {
      if (data.size < options.minRows) return { skipped: `needs ${options.minRows} rows, has ${data.size}` };
      const types = data.column('event_type');
      if (!types) return missingColumn('event_type');
      let matching = 0;
      for (const type of types) if (type === options.eventType) matching++;
      return { evaluated: data.size, metric: matching / data.size };
    },
  };
}
