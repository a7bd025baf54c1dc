import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, type EventType } from '@pipeline/events';
import { formatCents, LocalFileSystemBackend, readMetricRange, type MetricRow } from '@pipeline/storage';
import { ReporterConfig } from '../reporter.config';

export interface Summary {
  from: string | null;
  to: string | null;
  hours: number;
  events: number;
  eventsByType: Record<EventType, number>;
  orders: number;
  units: number;
  revenueCents: number;
  revenue: string;
  /** Sum of per-hour distinct sessions: a session active in two hours counts in both. */
  sessions: number;
}

/** Sums hourly summary and events_by_type rows into one range summary. Money stays in integer cents. */
export function combineSummaries(summaryRows: MetricRow[], byTypeRows: MetricRow[], from?: number, to?: number): Summary {
  const eventsByType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  for (const row of byTypeRows) {
    const type = row['event_type'] as EventType;
    if (type in eventsByType) eventsByType[type] += Number(row['events']);
  }
  const sum = (column: string) => summaryRows.reduce((total, row) => total + Number(row[column]), 0);
  const revenueCents = sum('revenue_cents');
  return {
    from: from === undefined ? null : new Date(from).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
    hours: summaryRows.length,
    events: sum('events'),
    eventsByType,
    orders: sum('orders'),
    units: sum('units'),
    revenueCents,
    revenue: formatCents(revenueCents),
    sessions: sum('sessions'),
  };
}

@Injectable()
export class SummaryService {
  private readonly backend: LocalFileSystemBackend;

  constructor(config: ReporterConfig) {
    this.backend = new LocalFileSystemBackend(config.DATA_DIR);
  }

  async summary(from?: number, to?: number): Promise<Summary> {
    const fromMs = from ?? 0;
    const toMs = to ?? Number.MAX_SAFE_INTEGER;
    const [summaryRows, byTypeRows] = await Promise.all([
      readMetricRange(this.backend, 'summary', fromMs, toMs),
      readMetricRange(this.backend, 'events_by_type', fromMs, toMs),
    ]);
    return combineSummaries(summaryRows, byTypeRows, from, to);
  }
}
