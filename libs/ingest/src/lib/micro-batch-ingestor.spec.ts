import { encodeEvent, samplePageView, type ShopEvent } from '@pipeline/events';
import { defaultRuleSet, MessageQualityGate } from '@pipeline/quality';
import { DLQ_HEADERS } from './dead-letter';
import type { BatchControl, IngestMessage } from './ingest-batch';
import { MicroBatchIngestor, type EventSink } from './micro-batch-ingestor';

const NOW = Date.parse('2026-11-27T10:30:00.000Z');

function pageView(n: number): ShopEvent {
  return samplePageView({ event_id: `0b0e8a52-8c1f-4c2a-9d55-${String(n).padStart(12, '0')}` });
}

function kafkaMessage(offset: number, value: Buffer): IngestMessage {
  return { offset: String(offset), key: Buffer.from('s-0001'), value, timestamp: String(NOW), headers: { 'event-type': 'page_view' } };
}

/** Records the order of side effects; the Kafka side is a plain object because this is the ingest logic alone. */
function harness(messages: IngestMessage[], options: { failWrite?: boolean; maxEvents?: number; rebalanceAfterChecks?: number; settledByOther?: boolean; heartbeatFails?: boolean } = {}) {
  let generationChecks = 0;
  const log: string[] = [];
  const stored: ShopEvent[] = [];
  const dlq: unknown[] = [];
  const sink: EventSink = {
    recoverPartition: async (_t, _p, committed) => (log.push(`recover@${committed}`), { outcome: 'no_pending_batch', marker: null, removed: [], hours: [] }),
    writeBatch: async (batch) => {
      if (options.failWrite) throw new Error('disk full');
      log.push(`write ${batch.firstOffset}-${batch.lastOffset} (${batch.events.length})`);
      stored.push(...batch.events);
      return { files: ['f'], idFiles: [], hours: ['year=2026/month=11/day=27/hour=10'], writer: 'w-1' };
    },
    completeBatch: async () => (log.push('complete'), true),
    isStillPending: async () => !options.settledByOther,
  };
  const ingestor = new MicroBatchIngestor({
    sink,
    gate: new MessageQualityGate(defaultRuleSet(), { now: () => NOW }),
    qualityReports: { storeChunkReport: async (chunk) => (log.push(`quality ${chunk.firstOffset}`), 'year=2026/month=11/day=27/hour=10') },
    maxEvents: options.maxEvents ?? 100,
    deadLetters: {
      publish: async (m) => {
        log.push(`dlq ${m.length}`);
        dlq.push(...m);
      },
    },
    now: () => NOW,
    onFlushed: (report) => log.push(`flushed ${report.valid.length}`),
  });
  const batch = { topic: 'events', partition: 2, firstOffset: messages[0].offset, lastOffset: messages[messages.length - 1].offset, messages, highWatermark: String(messages.length + 10) };
  const control: BatchControl = {
    heartbeat: async () => {
      if (options.heartbeatFails) throw new Error('The group is rebalancing, so a rejoin is needed');
      log.push('heartbeat');
    },
    commit: async (nextOffset) => void log.push(`commit ${nextOffset}`),
    isCurrent: () => options.rebalanceAfterChecks === undefined || generationChecks++ < options.rebalanceAfterChecks,
  };
  return { ingest: () => ingestor.ingest(batch, control), log, stored, dlq };
}

describe('MicroBatchIngestor', () => {
  it('stores valid events, dead-letters the rest, and commits only after both are durable', async () => {
    const h = harness([
      kafkaMessage(40, encodeEvent(pageView(1)).value),
      kafkaMessage(41, Buffer.from('not json')),
      kafkaMessage(42, encodeEvent(pageView(2)).value),
    ]);
    await h.ingest();
    expect(h.log).toEqual(['recover@40', 'write 40-42 (2)', 'quality 40', 'dlq 1', 'commit 43', 'complete', 'flushed 2', 'heartbeat']);
    expect(h.stored.map((e) => e.event_id)).toEqual([pageView(1).event_id, pageView(2).event_id]);
    const letter = h.dlq[0] as { value: Buffer; key: Buffer; headers: Record<string, string> };
    expect(letter.value.toString()).toBe('not json');
    expect(letter.key.toString()).toBe('s-0001');
    expect(letter.headers[DLQ_HEADERS.reason]).toBe('invalid_json');
    expect(letter.headers[DLQ_HEADERS.sourceOffset]).toBe('41');
    expect(letter.headers[DLQ_HEADERS.sourcePartition]).toBe('2');
    expect(letter.headers['event-type']).toBe('page_view');
  });

  it('never commits when the write fails, so Kafka redelivers the chunk', async () => {
    const h = harness([kafkaMessage(7, encodeEvent(pageView(1)).value)], { failWrite: true });
    await expect(h.ingest()).rejects.toThrow('disk full');
    expect(h.log.some((l) => l.startsWith('commit'))).toBe(false);
  });

  it('splits a large fetch into chunks of at most maxEvents, each committed on its own', async () => {
    const messages = [0, 1, 2, 3, 4].map((i) => kafkaMessage(100 + i, encodeEvent(pageView(10 + i)).value));
    const h = harness(messages, { maxEvents: 2 });
    await h.ingest();
    expect(h.log.filter((l) => l.startsWith('commit'))).toEqual(['commit 102', 'commit 104', 'commit 105']);
    expect(h.stored).toHaveLength(5);
  });

  it('writes nothing once the group rebalanced while the batch was in hand', async () => {
    const messages = [0, 1, 2, 3].map((i) => kafkaMessage(200 + i, encodeEvent(pageView(20 + i)).value));
    // The first chunk passes both checks; the rebalance is noticed before the second chunk is written.
    const h = harness(messages, { maxEvents: 2, rebalanceAfterChecks: 3 });
    await expect(h.ingest()).rejects.toThrow('rebalanced');
    expect(h.log.filter((l) => l.startsWith('commit'))).toEqual(['commit 202']);
    expect(h.stored).toHaveLength(2);
  });

  it('does not commit a batch another instance settled while it was being written', async () => {
    const h = harness([kafkaMessage(300, encodeEvent(pageView(30)).value)], { settledByOther: true });
    // kafkajs rejoins the group on this error type instead of retrying the fetch with the old assignment.
    await expect(h.ingest()).rejects.toMatchObject({ name: 'StaleBatchError', type: 'REBALANCE_IN_PROGRESS' });
    expect(h.log.some((l) => l.startsWith('commit'))).toBe(false);
  });

  it('reports a committed chunk even when the heartbeat after it fails (a rebalance began)', async () => {
    const h = harness([kafkaMessage(50, encodeEvent(pageView(50)).value)], { heartbeatFails: true });
    await expect(h.ingest()).rejects.toThrow('rebalancing');
    expect(h.log.slice(-3)).toEqual(['commit 51', 'complete', 'flushed 1']);
  });

  it('commits a chunk that was all dead letters without writing files', async () => {
    const h = harness([kafkaMessage(5, Buffer.from([0xff]))]);
    await h.ingest();
    expect(h.log).toEqual(['recover@5', 'quality 5', 'dlq 1', 'commit 6', 'flushed 0', 'heartbeat']);
  });
});
