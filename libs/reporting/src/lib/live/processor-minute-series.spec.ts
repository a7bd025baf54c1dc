import { processorSampleOf, ProcessorMinuteSeries } from './processor-minute-series';

const EXPOSITION = `# HELP processor_events_dead_lettered_total Messages sent to the DLQ
# TYPE processor_events_dead_lettered_total counter
processor_events_dead_lettered_total{reason="schema_violation",service="processor"} 7
processor_events_dead_lettered_total{reason="quality_rule",service="processor"} 3
# HELP processor_consumer_lag Messages behind the high watermark after the last flush
# TYPE processor_consumer_lag gauge
processor_consumer_lag{topic="ecommerce.events",partition="0",service="processor"} 120
processor_consumer_lag{topic="ecommerce.events",partition="1",service="processor"} 5
`;

describe('processor metrics by minute', () => {
  it('sums the dead-letter counter over reasons and the lag over partitions', () => {
    expect(processorSampleOf(EXPOSITION)).toEqual({ deadLettered: 10, lag: 125 });
    expect(processorSampleOf('# nothing here\n')).toEqual({ deadLettered: 0, lag: 0 });
  });

  it('gives each minute the dead letters counted in it, across a counter reset, and its last lag', () => {
    const series = new ProcessorMinuteSeries();
    const t0 = Date.parse('2026-11-27T10:00:00Z');
    series.record(t0 + 5_000, { deadLettered: 10, lag: 100 });
    series.record(t0 + 35_000, { deadLettered: 14, lag: 80 });
    series.record(t0 + 65_000, { deadLettered: 15, lag: 60 });
    // The processor restarted: its counter begins at 0 again.
    series.record(t0 + 95_000, { deadLettered: 2, lag: 40 });
    // A gap of 5 minutes: the increase across it belongs to no known minute.
    series.record(t0 + 395_000, { deadLettered: 50, lag: 0 });
    expect(series.series(t0, t0 + 7 * 60_000)).toEqual([
      { minute: '2026-11-27T10:00:00.000Z', deadLettered: 4, lag: 80 },
      { minute: '2026-11-27T10:01:00.000Z', deadLettered: 3, lag: 40 },
      { minute: '2026-11-27T10:02:00.000Z', deadLettered: null, lag: null },
      { minute: '2026-11-27T10:03:00.000Z', deadLettered: null, lag: null },
      { minute: '2026-11-27T10:04:00.000Z', deadLettered: null, lag: null },
      { minute: '2026-11-27T10:05:00.000Z', deadLettered: null, lag: null },
      { minute: '2026-11-27T10:06:00.000Z', deadLettered: null, lag: 0 },
    ]);
  });
});
