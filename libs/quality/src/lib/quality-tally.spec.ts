import { decodeEvent, type ShopEvent } from '@pipeline/events';
import { contractViolationReasons } from './contract-rejections';
import { datasetFromEvents } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { defaultRuleSet } from './default-rules';
import { compileRecordRules, failureReasons, hasBlockingFailure } from './record-evaluator';
import { formatReportLines, type RuleResult } from './quality-report';
import { QualityTally } from './quality-tally';
import { HourlySeenIds } from './seen-ids';
import { addToCart, eventMix, pageView, purchase, uuidFor } from './testing/event-variants';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');
const ruleSet = defaultRuleSet();
const compiled = compileRecordRules(ruleSet.record);
const ruleOf = (results: RuleResult[], id: string) => {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
};

/** The processor's validation step, as the brief describes it. */
function processBatch(messages: Buffer[], seenIds: HourlySeenIds) {
  const tally = new QualityTally(compiled, { nowMs: NOW });
  const kept: ShopEvent[] = [];
  const dlq: { offset: number; reasons: string[] }[] = [];
  messages.forEach((value, offset) => {
    const decoded = decodeEvent(value);
    if (!decoded.ok) {
      const violations = tally.addContractRejection(decoded, { ref: `p0@${offset}` });
      dlq.push({ offset, reasons: contractViolationReasons(violations) });
      return;
    }
    const failures = tally.evaluate(decoded.event);
    if (hasBlockingFailure(failures)) dlq.push({ offset, reasons: failureReasons(failures) });
    else kept.push(decoded.event);
  });
  const dataset = runDatasetRules(ruleSet.dataset, datasetFromEvents(kept), { nowMs: NOW, seenIds });
  const report = tally.toReport({ dataset });
  seenIds.recordEvents(kept.filter((_, row) => !dataset.blockingRows.includes(row)));
  return { report, kept, dlq };
}

const encode = (event: unknown) => Buffer.from(JSON.stringify(event));
const withNull = (event: ShopEvent, field: string) => encode({ ...event, [field]: null });

describe('QualityTally in the processor flow', () => {
  it('counts contract rejections under the matching rules: "null detection: 3 failures"', () => {
    const good = eventMix(20, '2026-11-27T10:20:00.000Z');
    const messages = [
      ...good.map(encode),
      withNull(pageView({ event_id: uuidFor(901) }), 'user_id'),
      withNull(pageView({ event_id: uuidFor(902) }), 'session_id'),
      withNull(addToCart({ event_id: uuidFor(903) }), 'user_id'),
      encode({ ...pageView({ event_id: uuidFor(904) }), device: { type: 'fridge', os: 'x', browser: 'y' } }),
      Buffer.from('not json'),
    ];
    const { report, kept, dlq } = processBatch(messages, new HourlySeenIds());

    expect(kept).toHaveLength(20);
    expect(dlq.map((d) => d.offset)).toEqual([20, 21, 22, 23, 24]);
    expect(dlq[0].reasons).toEqual([expect.stringMatching(/^not_null: user_id /)]);
    const notNull = ruleOf(report.rules, 'not_null');
    expect(notNull).toMatchObject({ evaluated: 23, failed: 3, status: 'fail', samples: ['p0@20', 'p0@21', 'p0@22'] });
    expect(ruleOf(report.rules, 'allowed_device_type')).toMatchObject({ evaluated: 21, failed: 1 });
    expect(ruleOf(report.rules, 'data_type')).toMatchObject({ evaluated: 21, failed: 1, samples: ['p0@24'] });
    expect(report.summary).toMatchObject({ rowsEvaluated: 25, rowsValid: 20, validShare: 0.8 });
    expect(formatReportLines(report)).toContain('null detection: 3 failures (fail)');
  });

  it('prefers the event id of the parsed candidate as the sample', () => {
    const tally = new QualityTally(compiled, { nowMs: NOW });
    const candidate = { ...pageView({ event_id: uuidFor(7) }), user_id: null };
    const decoded = decodeEvent(encode(candidate));
    if (decoded.ok) throw new Error('expected a rejection');
    tally.addContractRejection(decoded, { candidate, ref: 'p0@1' });
    expect(ruleOf(tally.ruleResults(), 'not_null').samples).toEqual([uuidFor(7)]);
  });

  it('counts evaluated rows per rule from the kinds it applies to', () => {
    const tally = new QualityTally(compiled, { nowMs: NOW });
    for (const event of eventMix(16, '2026-11-27T10:20:00.000Z')) tally.evaluate(event);
    const results = tally.ruleResults();
    expect(ruleOf(results, 'not_null').evaluated).toBe(16);
    // eventMix cycles 8 kinds: 1 purchase and 2 cart events per cycle.
    expect(ruleOf(results, 'revenue_matches_items').evaluated).toBe(2);
    expect(ruleOf(results, 'cart_has_product').evaluated).toBe(4);
    expect(tally.window()).toEqual({ start: '2026-11-27T10:20:00.000Z', end: '2026-11-27T10:20:00.150Z' });
  });

  it('keeps warn failures valid and limits samples', () => {
    const tally = new QualityTally(
      [{ id: 'w', description: 'w', severity: 'warn', kind: 'consistency', columns: [], check: () => 'always' }],
      { nowMs: NOW },
      { sampleLimit: 2 },
    );
    for (const event of eventMix(4, '2026-11-27T10:20:00.000Z')) tally.evaluate(event);
    expect(tally.rowsValid).toBe(4);
    expect(tally.ruleResults()[0]).toMatchObject({ evaluated: 4, failed: 4, passShare: 0, status: 'warn', samples: [uuidFor(1), uuidFor(2)] });
  });

  it('catches a duplicate across two batches of one hour, and within a batch', () => {
    const seenIds = new HourlySeenIds();
    const first = eventMix(10, '2026-11-27T10:20:00.000Z');
    const batch1 = processBatch(first.map(encode), seenIds);
    expect(ruleOf(batch1.report.rules, 'unique_event_id')).toMatchObject({ failed: 0, status: 'pass' });

    const redelivered = first[3];
    const twiceInBatch = purchase({ event_id: uuidFor(500), event_time: '2026-11-27T10:25:00.000Z' });
    const second = [...eventMix(5, '2026-11-27T10:21:00.000Z', 10, 100), redelivered, twiceInBatch, twiceInBatch];
    const batch2 = processBatch(second.map(encode), seenIds);
    expect(ruleOf(batch2.report.rules, 'unique_event_id')).toMatchObject({
      evaluated: 8,
      failed: 2,
      status: 'fail',
      samples: [redelivered.event_id, uuidFor(500)],
    });
    expect(batch2.report.summary).toMatchObject({ rowsEvaluated: 8, rowsValid: 6 });
  });

  it('reports the default checks passing on a clean batch ("N/N")', () => {
    // Fresh events: the newest is seconds old at NOW, within the freshness bound.
    const { report } = processBatch(eventMix(40, '2026-11-27T10:29:50.000Z').map(encode), new HourlySeenIds());
    const ran = report.rules.filter((r) => r.status !== 'skipped');
    expect(report.summary.checksPassed).toBe(ran.length);
    expect(report.summary.qualityScoreLabel).toBe(`${ran.length}/${ran.length}`);
    expect(report.summary.rowWeightedScore).toBe(1);
    // No trailing hours, too few rows for the event mix: those checks skip rather than pass.
    expect(report.rules.filter((r) => r.status === 'skipped').map((r) => r.id)).toEqual([
      'hourly_volume',
      'page_view_share',
      'purchase_share',
    ]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
