import { encodeEvent, toEventRow, type ShopEvent } from '@pipeline/events';
import { datasetFromRows } from './dataset';
import { checkHour } from './dataset-evaluator';
import { defaultRuleSet } from './default-rules';
import { MessageQualityGate } from './message-gate';
import { mergeReports } from './quality-report';
import { eventMix } from './testing/event-variants';

const NOW = Date.parse('2026-11-27T11:00:00.000Z');
const HOUR = Date.parse('2026-11-27T10:00:00.000Z');
const ruleSet = defaultRuleSet({ freshnessMaxAgeSeconds: 3600 });

describe('an hour of batches', () => {
  it('rolls batch reports into the hour and cross-checks the stored hour', async () => {
    const gate = new MessageQualityGate(ruleSet, { now: () => NOW });
    const batches = [
      eventMix(200, '2026-11-27T10:00:00.000Z', 5_000, 1),
      eventMix(200, '2026-11-27T10:20:00.000Z', 5_000, 201),
      // A redelivered slice of the first batch.
      eventMix(20, '2026-11-27T10:00:00.000Z', 5_000, 1),
    ];
    const stored: ShopEvent[] = [];
    const reports = [];
    for (const events of batches) {
      const { report, kept } = await gate.check(events.map((event, i) => ({ value: encodeEvent(event).value, ref: `t/0@${i}` })));
      gate.commit(kept);
      stored.push(...kept);
      reports.push(report);
    }
    const hour = mergeReports(reports);
    expect(hour.rules.find((r) => r.id === 'unique_event_id')).toMatchObject({ evaluated: 420, failed: 20, status: 'fail' });
    expect(hour.rules.find((r) => r.id === 'not_null')).toMatchObject({ evaluated: 420, failed: 0, status: 'pass' });
    expect(hour.summary).toMatchObject({ rowsEvaluated: 420, rowsValid: 400 });
    expect(stored).toHaveLength(400);

    const fromStorage = checkHour(ruleSet.dataset, datasetFromRows(stored.map(toEventRow)), {
      nowMs: NOW,
      hourStartMs: HOUR,
      trailingHourCounts: [380, 410, 420],
    });
    expect(fromStorage.rules.find((r) => r.id === 'unique_event_id')).toMatchObject({ failed: 0, status: 'pass' });
    expect(fromStorage.rules.find((r) => r.id === 'hourly_volume')).toMatchObject({ status: 'pass', metricValue: 400 / (1210 / 3) });
    expect(fromStorage.rules.find((r) => r.id === 'purchase_share')).toMatchObject({ status: 'pass', metricValue: 50 / 400 });
    expect(fromStorage.summary.qualityScoreLabel).toBe(`${fromStorage.rules.length}/${fromStorage.rules.length}`);
  });
});

describe('default rule set', () => {
  it('covers the original seven checks plus freshness, volume and consistency', () => {
    const { record, dataset } = defaultRuleSet();
    const ids = [...record, ...dataset].map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'not_null',
        'data_type',
        'price_range',
        'quantity_range',
        'event_time_range',
        'unique_event_id',
        'allowed_event_type',
        'freshness',
        'hourly_volume',
        'revenue_matches_items',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('derives distribution rules from the configured shares', () => {
    const { dataset } = defaultRuleSet({ eventTypeShares: { search: { min: 0.01, max: 0.5 } } });
    expect(dataset.filter((r) => r.kind === 'distribution').map((r) => [r.id, r.threshold])).toEqual([
      ['search_share', { metric: 'search_share', min: 0.01, max: 0.5 }],
    ]);
  });
});
