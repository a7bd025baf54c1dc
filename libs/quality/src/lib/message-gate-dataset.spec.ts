import { encodeEvent, EVENT_COLUMNS, toEventRow, type ShopEvent } from '@pipeline/events';
import { datasetFromEvents, datasetFromRows, toEpochMillis, type Dataset } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { findDuplicateIndices } from './id-fingerprints';
import { defaultRuleSet } from './default-rules';
import { InMemoryStoredEventIds, MessageQualityGate, type GateRejection } from './message-gate';
import type { DatasetRule, StoredEventIds } from './rule.types';
import { addToCart, edit, eventMix, pageView, REMOVE, uuidFor } from './testing/event-variants';

/**
 * The gate's dataset step is tuned for speed (event_time taken while the record rules had it, envelope columns read
 * directly, no Set/sort when nothing repeats). These specs hold it to the plain computation: the same rules over the
 * survivors' stored rows (toEventRow, as the hourly pass reads them back), with the uniqueness rule as it was written
 * before the tuning, kept here as the reference.
 */
const NOW = Date.parse('2026-11-27T10:30:00.000Z');
const ruleSet = defaultRuleSet();

function referenceUniqueness(rule: DatasetRule): DatasetRule {
  return {
    ...rule,
    measure(data: Dataset, context) {
      const ids = data.column('event_id');
      if (!ids) return { skipped: 'column event_id is not available' };
      const failed = new Set(findDuplicateIndices(ids));
      const seen = context.seenIds;
      const times = seen ? data.column('event_time') : undefined;
      if (seen && times) {
        for (let row = 0; row < ids.length; row++) {
          const id = ids[row];
          const time = toEpochMillis(times[row]);
          if (typeof id === 'string' && time !== null && seen.has(id, time)) failed.add(row);
        }
      }
      return { evaluated: data.size, failedRows: [...failed].sort((a, b) => a - b) };
    },
  };
}

const referenceRules = ruleSet.dataset.map((rule) => (rule.kind === 'uniqueness' ? referenceUniqueness(rule) : rule));

/** The events as stored rows; with no rows at all, every event column is empty rather than absent (as for events). */
function storedRowsOf(events: readonly ShopEvent[]): Dataset {
  const rows = datasetFromRows(events.map(toEventRow));
  const names = new Set(EVENT_COLUMNS.map((c) => c.name));
  return { size: rows.size, column: (name) => rows.column(name) ?? (names.has(name) ? [] : undefined) };
}

/** What the gate must answer for messages that all pass the contract and the record rules. */
function expectedOf(events: readonly ShopEvent[], stored: StoredEventIds) {
  const run = runDatasetRules(referenceRules, storedRowsOf(events), { nowMs: NOW, seenIds: stored });
  const failedErrorRules = run.results.filter((r) => r.severity === 'error' && r.failed > 0).map((r) => `${r.id}: ${r.description}`);
  const rejected: GateRejection[] = run.blockingRows.map((row) =>
    run.blockingKinds.get(row) === 'uniqueness'
      ? { index: row, reason: 'duplicate_event_id', details: [`unique_event_id: event_id ${events[row].event_id} is already stored or repeated`] }
      : { index: row, reason: 'dataset_rule', details: failedErrorRules },
  );
  const kept = events.filter((_, row) => !run.blockingKinds.has(row));
  return { run, rejected, kept };
}

async function checkBoth(events: readonly ShopEvent[], committedBefore: readonly ShopEvent[] = []) {
  const storedIds = new InMemoryStoredEventIds();
  storedIds.recordCommitted(committedBefore);
  const gate = new MessageQualityGate(ruleSet, { now: () => NOW, storedIds });
  const result = await gate.check(events.map((event, i) => ({ value: encodeEvent(event).value, ref: `spec/0@${i}` })));
  const expected = expectedOf(events, storedIds);
  expect(result.report.summary.rowsEvaluated).toBe(events.length);
  expect(result.report.rules.filter((r) => r.level === 'dataset')).toEqual(expected.run.results);
  expect(result.rejected).toEqual(expected.rejected);
  expect(result.kept).toEqual(expected.kept);
  expect(result.report.summary.rowsValid).toBe(events.length - expected.rejected.length);
  return { result, expected };
}

const at = (iso: string) => ({ event_time: iso });

describe('MessageQualityGate dataset step, against the plain computation', () => {
  it('an empty batch', async () => {
    const { result } = await checkBoth([]);
    expect(result.kept).toEqual([]);
    expect(result.report.rules.find((r) => r.id === 'freshness')?.status).toBe('skipped');
  });

  it('a batch of one', async () => {
    const { result } = await checkBoth([pageView({ event_id: uuidFor(1), ...at('2026-11-27T10:29:00.000Z') })]);
    expect(result.kept).toHaveLength(1);
    expect(result.report.rules.find((r) => r.id === 'freshness')?.metricValue).toBe(60);
  });

  it('duplicates inside the batch: later copies are refused, the first kept', async () => {
    const events = eventMix(12, '2026-11-27T10:20:00.000Z');
    events.push({ ...events[3], event_time: '2026-11-27T10:21:00.000Z' }, { ...events[0] }, { ...events[3] });
    const { result } = await checkBoth(events);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [12, 'duplicate_event_id'],
      [13, 'duplicate_event_id'],
      [14, 'duplicate_event_id'],
    ]);
    expect(result.report.rules.find((r) => r.id === 'unique_event_id')).toMatchObject({ failed: 3, status: 'fail' });
  });

  it('duplicates against stored ids, in the stored hour only, mixed with repeats inside the batch', async () => {
    const earlier = eventMix(6, '2026-11-27T10:00:00.000Z');
    const events = [
      ...eventMix(5, '2026-11-27T10:10:00.000Z', 10, 100),
      { ...earlier[1], event_time: '2026-11-27T10:11:00.000Z' }, // stored, same hour
      { ...earlier[2], event_time: '2026-11-27T09:59:00.000Z' }, // same id, another hour: new
      { ...earlier[1], event_time: '2026-11-27T10:12:00.000Z' }, // stored and repeated
      { ...earlier[4] },
    ];
    const { result } = await checkBoth(events, earlier);
    expect(result.rejected.map((r) => r.index)).toEqual([5, 7, 8]);
  });

  it('events out of order in time: freshness takes the newest whatever its row', async () => {
    const events = eventMix(10, '2026-11-27T10:00:00.000Z', 60_000).reverse();
    events.splice(4, 0, pageView({ event_id: uuidFor(500), ...at('2026-11-27T10:28:59.999Z') }));
    const { result } = await checkBoth(events);
    expect(result.report.rules.find((r) => r.id === 'freshness')?.metricValue).toBe(60.001);
  });

  it('events without a page count against completeness (warn) and are kept', async () => {
    const events = eventMix(40, '2026-11-27T10:00:00.000Z').map((event, i) => (i % 5 === 0 ? { ...event, page: null } : event));
    const { result } = await checkBoth(events as ShopEvent[]);
    expect(result.kept).toHaveLength(40);
    expect(result.report.rules.find((r) => r.id === 'complete_page')).toMatchObject({ evaluated: 40, failed: 8, status: 'warn' });
  });

  it('a cart event without a product is refused by the contract; the rest still goes through the dataset rules', async () => {
    const events = eventMix(8, '2026-11-27T10:00:00.000Z');
    const storedIds = new InMemoryStoredEventIds();
    const gate = new MessageQualityGate(ruleSet, { now: () => NOW, storedIds });
    const noProduct = Buffer.from(JSON.stringify(edit(addToCart({ event_id: uuidFor(900) }), { product: REMOVE })));
    const messages = [...events.slice(0, 4), events[1]].map((event) => ({ value: encodeEvent(event).value }));
    messages.splice(2, 0, { value: noProduct });
    const result = await gate.check(messages);
    const survivors = [...events.slice(0, 4), events[1]];
    const expected = expectedOf(survivors, storedIds);
    expect(result.report.rules.filter((r) => r.level === 'dataset')).toEqual(expected.run.results);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [2, 'schema_violation'],
      [5, 'duplicate_event_id'],
    ]);
  });

  it('a large mixed batch over two hours, with repeats and stored ids (share rules judge)', async () => {
    const earlier = eventMix(300, '2026-11-27T09:50:00.000Z', 1_000, 10_000);
    const events = eventMix(600, '2026-11-27T09:55:00.000Z', 1_000);
    for (let i = 0; i < 40; i++) events.splice(i * 15, 0, { ...earlier[i * 7], event_time: earlier[i * 7].event_time });
    for (let i = 0; i < 20; i++) events.push({ ...events[i * 29] });
    await checkBoth(events, earlier);
  });

  it('rules read the same columns from a micro-batch with ready event times as from stored rows', () => {
    const events = eventMix(50, '2026-11-27T10:00:00.000Z', 7_000).map((e, i) => (i % 9 === 0 ? { ...e, page: null } : e));
    const fromEvents = datasetFromEvents(events, { event_time: events.map((e) => Date.parse(e.event_time)) });
    const fromRows = datasetFromRows(events.map(toEventRow));
    for (const name of ['event_id', 'event_type', 'page', 'event_time', 'product_id']) {
      expect(fromEvents.column(name)).toEqual(fromRows.column(name));
    }
  });
});
