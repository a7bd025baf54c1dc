import { Registry } from 'prom-client';
import type { FlushReport } from '../micro-batch-ingestor';
import { countBy, IngestMetrics } from './ingest-metrics';

async function valuesOf(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
  return Object.fromEntries(values.map((v) => [Object.values(v.labels).join('/') || '-', v.value]));
}

/** The fields of a flush the metrics read; the rest of a FlushReport does not matter here. */
function flush(): FlushReport {
  return {
    topic: 't',
    partition: 1,
    firstOffset: '100',
    lastOffset: '104',
    valid: [{ event_type: 'page_view' }, { event_type: 'purchase' }, { event_type: 'page_view' }],
    deadLetters: [{ reason: 'contract' }, { reason: 'duplicate_event_id' }],
    report: { summary: { rowWeightedScore: 0.6 } },
    files: ['a.parquet', 'a.partial'],
    durationMs: 40,
    lag: 7,
  } as unknown as FlushReport;
}

describe('IngestMetrics', () => {
  it('counts a flush per event type and dead-letter reason, and moves the partition gauges', async () => {
    const registry = new Registry();
    const metrics = new IngestMetrics(registry, () => 1_700_000_000_000);
    metrics.flushed(flush());
    expect(await valuesOf(registry, 'processor_events_stored_total')).toEqual({ page_view: 2, purchase: 1 });
    expect(await valuesOf(registry, 'processor_events_dead_lettered_total')).toEqual({ contract: 1, duplicate_event_id: 1 });
    expect(await valuesOf(registry, 'processor_files_written_total')).toEqual({ '-': 2 });
    expect(await valuesOf(registry, 'processor_consumer_lag')).toEqual({ 't/1': 7 });
    expect(await valuesOf(registry, 'processor_committed_offset')).toEqual({ 't/1': 105 });
    expect(await valuesOf(registry, 'processor_last_commit_timestamp_seconds')).toEqual({ '-': 1_700_000_000 });
    expect(await valuesOf(registry, 'processor_quality_row_weighted_score')).toEqual({ '-': 0.6 });
  });

  it('takes the group lag read from the broker, leaving the offset of a partition without commits alone', async () => {
    const registry = new Registry();
    const metrics = new IngestMetrics(registry);
    metrics.groupProgress(
      [
        { topic: 't', partition: 0, highWatermark: '10', committed: '4', lag: 6 },
        { topic: 't', partition: 1, highWatermark: '3', committed: null, lag: 3 },
      ],
      5_000,
    );
    expect(await valuesOf(registry, 'processor_consumer_lag')).toEqual({ 't/0': 6, 't/1': 3 });
    expect(await valuesOf(registry, 'processor_committed_offset')).toEqual({ 't/0': 4 });
    expect(await valuesOf(registry, 'processor_last_commit_timestamp_seconds')).toEqual({ '-': 5 });
  });
});

describe('countBy', () => {
  it('counts the items of each key', () => {
    expect([...countBy(['a', 'b', 'a'], (s) => s)]).toEqual([['a', 2], ['b', 1]]);
  });
});
