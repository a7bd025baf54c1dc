import { encodeEvent, samplePageView, samplePurchase, type ShopEvent } from '@pipeline/events';
import { defaultRuleSet } from './default-rules';
import { MessageQualityGate } from './message-gate';
import { QualityTally } from './quality-tally';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');

function message(event: ShopEvent | string | Buffer, ref = 'spec/0@0') {
  const value = Buffer.isBuffer(event) ? event : typeof event === 'string' ? Buffer.from(event) : encodeEvent(event).value;
  return { value, ref };
}

function pageView(n: number): ShopEvent {
  return samplePageView({ event_id: `0b0e8a52-8c1f-4c2a-9d55-${String(n).padStart(12, '0')}`, event_time: '2026-11-27T10:15:30.123Z' });
}

describe('MessageQualityGate', () => {
  const gate = () => new MessageQualityGate(defaultRuleSet(), { now: () => NOW });

  it('keeps clean events and reports no failures', async () => {
    const result = await gate().check([message(pageView(1)), message(pageView(2))]);
    expect(result.kept).toHaveLength(2);
    expect(result.rejected).toEqual([]);
    expect(result.report.summary.rowsEvaluated).toBe(2);
    expect(result.report.summary.rowsValid).toBe(2);
  });

  it('rejects contract violations with the contract reason and counts them in the report', async () => {
    const result = await gate().check([message('{"event_id":'), message(Buffer.from([0xff, 0xfe])), message(pageView(3))]);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'invalid_json'],
      [1, 'invalid_utf8'],
    ]);
    expect(result.kept).toHaveLength(1);
    expect(result.report.summary.rowsEvaluated).toBe(3);
    expect(result.report.summary.rowsValid).toBe(1);
  });

  it('asks refOf only for refused messages without a ref, and samples the rejection under that ref', async () => {
    const asked: number[] = [];
    const refOf = (index: number) => {
      asked.push(index);
      return `t/2@${100 + index}`;
    };
    const noRef = (value: string | ShopEvent) => ({ value: message(value).value });
    const result = await gate().check([noRef(pageView(20)), noRef('{"event_id":'), noRef(pageView(21)), message('[]', 'given/0@7')], refOf);
    expect(asked).toEqual([1]);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'invalid_json'],
      [3, 'not_an_object'],
    ]);
    const samples = result.report.rules.flatMap((rule) => rule.samples);
    expect(samples).toEqual(expect.arrayContaining(['t/2@101', 'given/0@7']));
  });

  it('rejects every row a dataset rule blocks, in message order, among kept ones', async () => {
    const twice = pageView(30);
    const result = await gate().check([message(twice), message(pageView(31)), message(twice), message(pageView(32)), message(twice)]);
    expect(result.kept.map((e) => e.event_id)).toEqual([pageView(30), pageView(31), pageView(32)].map((e) => e.event_id));
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [2, 'duplicate_event_id'],
      [4, 'duplicate_event_id'],
    ]);
  });

  it('refuses a poison message alone: deep nesting, a string quantity', async () => {
    const deep = JSON.stringify(pageView(4)).replace(/}$/, `,"extra":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    const purchase = JSON.parse(JSON.stringify(samplePurchase({ event_time: '2026-11-27T10:20:00.000Z' } as Partial<ShopEvent>)));
    purchase.items[0].quantity = '2';
    const result = await gate().check([message(deep), message(JSON.stringify(purchase)), message(pageView(5))]);
    expect(result.kept).toHaveLength(1);
    expect(result.rejected).toEqual([
      { index: 0, reason: 'schema_violation', details: [expect.stringMatching(/too_deep: \$\.extra\.a.* nests deeper than 32 levels/)] },
      { index: 1, reason: 'schema_violation', details: [expect.stringMatching(/quantity must be an integer number$/)] },
    ]);
  });

  it('turns any error while checking one message into that message\'s rejection', async () => {
    const evaluate = jest.spyOn(QualityTally.prototype, 'evaluate').mockImplementationOnce(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    try {
      const result = await gate().check([message(pageView(6)), message(pageView(7))]);
      expect(result.kept.map((e) => e.event_id)).toEqual([pageView(7).event_id]);
      expect(result.rejected).toEqual([
        { index: 0, reason: 'processing_error', details: ['quality check failed: TypeError: cannot read properties of undefined'] },
      ]);
    } finally {
      evaluate.mockRestore();
    }
  });

    it('rejects a record rule failure (revenue not the sum of its lines) as quality_rule', async () => {
    const bad = samplePurchase({ revenue_cents: 1, event_time: '2026-11-27T10:20:00.000Z' } as Partial<ShopEvent>);
    const result = await gate().check([message(bad)]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].reason).toBe('quality_rule');
    expect(result.rejected[0].details.join(' ')).toContain('revenue_matches_items');
  });

  it('rejects duplicates within a batch and, after commit, across batches of the hour', async () => {
    const g = gate();
    const first = await g.check([message(pageView(4)), message(pageView(4))]);
    expect(first.kept).toHaveLength(1);
    expect(first.rejected).toEqual([expect.objectContaining({ index: 1, reason: 'duplicate_event_id' })]);

    // While the first chunk is in flight, a copy arriving on another partition is a duplicate...
    expect((await g.check([message(pageView(4))])).rejected).toHaveLength(1);
    // ...but if that chunk is aborted (its write failed; Kafka redelivers it), the redelivery is not its own duplicate.
    g.abort(first.kept);
    const retried = await g.check([message(pageView(4))]);
    expect(retried.kept).toHaveLength(1);

    g.commit(retried.kept);
    const later = await g.check([message(pageView(4)), message(pageView(5))]);
    expect(later.kept.map((e) => e.event_id)).toEqual([pageView(5).event_id]);
    expect(later.rejected[0]).toMatchObject({ index: 0, reason: 'duplicate_event_id' });
    expect(later.report.rules.find((r) => r.id === 'unique_event_id')).toMatchObject({ failed: 1, status: 'fail' });
  });

  it('keeps each in-flight chunk apart: settling one releases its ids only', async () => {
    const g = gate();
    const a = await g.check([message(pageView(4)), message(pageView(6))]);
    const b = await g.check([message(pageView(5))]);
    expect([a.kept.length, b.kept.length]).toEqual([2, 1]);
    // Both in flight: copies of either are refused (the sets are built now, on this first need).
    const copies = await g.check([message(pageView(4)), message(pageView(5)), message(pageView(7))]);
    expect(copies.rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'duplicate_event_id'],
      [1, 'duplicate_event_id'],
    ]);
    g.abort(copies.kept);
    // A's write failed: its events may come again; B's are still being written.
    g.abort(a.kept);
    const again = await g.check([message(pageView(4)), message(pageView(5)), message(pageView(6))]);
    expect(again.kept.map((e) => e.event_id)).toEqual([pageView(4).event_id, pageView(6).event_id]);
    expect(again.rejected.map((r) => r.index)).toEqual([1]);
    // B committed: its id is stored now, so still refused; after `again` is committed too, so are 4 and 6.
    g.commit(b.kept);
    g.commit(again.kept);
    const late = await g.check([message(pageView(4)), message(pageView(5)), message(pageView(6)), message(pageView(8))]);
    expect(late.kept.map((e) => e.event_id)).toEqual([pageView(8).event_id]);
  });

  it('judges "in the future" against the message\'s own Kafka timestamp when it has one', async () => {
    // An event 2 h ahead of the time it was produced: wall clock (NOW) says fine, its ingest time says future.
    const replayed = samplePageView({ event_id: '0b0e8a52-8c1f-4c2a-9d55-000000000009', event_time: '2026-11-27T06:00:00.000Z' });
    const producedAt = Date.parse('2026-11-27T04:00:00.000Z');
    const result = await gate().check([{ ...message(replayed), timestampMs: producedAt }]);
    expect(result.rejected).toEqual([expect.objectContaining({ reason: 'quality_rule' })]);
    expect(result.rejected[0].details.join(' ')).toMatch(/in the future/);
    expect((await gate().check([message(replayed)])).kept).toHaveLength(1);
  });
});
