import { FAULT_CONTRACT_VERDICT, HEADER_INJECTED_FAULT, isFaultKind, type FaultKind } from '@pipeline/simulation';
import { readHourlyQualityReport } from '@pipeline/ingest';
import { listHourPartitions } from '@pipeline/storage';
import type { KafkaMessage } from 'kafkajs';
import { waitFor } from './support/app-process';
import { PipelineFixture } from './support/pipeline-fixture';

/** What the processor must answer for each injected fault: the DLQ reason. */
function expectedReason(kind: FaultKind): string {
  const verdict = FAULT_CONTRACT_VERDICT[kind];
  if (verdict !== 'accepted') return verdict;
  return kind === 'duplicate_event_id' ? 'duplicate_event_id' : 'quality_rule';
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
const where = (partition: number | string, offset: string) => `${partition}@${offset}`;

describe('data quality in the pipeline (real Kafka, bad-event injection)', () => {
  const pipeline = new PipelineFixture();
  afterAll(() => pipeline.dispose());

  it('dead-letters every injected fault with the right reason and never flags a clean event', async () => {
    const total = 21_600; // 5% faults leaves > 20,000 clean events
    await pipeline.startApp('processor', { METRICS_ROLLUP_MS: '500' });
    await pipeline.generate({ GENERATOR_COUNT: String(total), GENERATOR_BAD_RATIO: '0.05', GENERATOR_SEED: '11' });

    const source = await pipeline.readTopicWithPartitions(pipeline.topic, total);
    const faults = source.filter((m) => header(m.message, HEADER_INJECTED_FAULT) !== undefined);
    const faultKinds = new Set(faults.map((m) => header(m.message, HEADER_INJECTED_FAULT)));
    expect(faultKinds.size).toBe(12); // every kind was exercised
    const clean = source.filter((m) => header(m.message, HEADER_INJECTED_FAULT) === undefined);
    expect(clean.length).toBeGreaterThan(20_000);

    const dlq = await pipeline.readTopicWithPartitions(pipeline.dlqTopic, faults.length, 120_000);
    const dlqBySource = new Map(
      dlq.map(({ message }) => [
        where(header(message, 'dlq-source-partition')!, header(message, 'dlq-source-offset')!),
        header(message, 'dlq-reason'),
      ]),
    );
    expect(dlq).toHaveLength(dlqBySource.size); // nothing dead-lettered twice

    // A duplicate may race its original across partitions: then the original is the one refused. Either way one copy is kept.
    const duplicatedIds = new Set(
      faults.filter((m) => header(m.message, HEADER_INJECTED_FAULT) === 'duplicate_event_id').map((m) => JSON.parse(m.message.value!.toString()).event_id),
    );
    for (const { partition, message } of faults) {
      const kind = header(message, HEADER_INJECTED_FAULT)!;
      expect(isFaultKind(kind)).toBe(true);
      const reason = dlqBySource.get(where(partition, message.offset));
      if (kind === 'duplicate_event_id' && reason === undefined) continue;
      expect({ kind, reason }).toEqual({ kind, reason: expectedReason(kind as FaultKind) });
    }
    const flaggedClean = clean.filter(({ partition, message }) => {
      if (!dlqBySource.has(where(partition, message.offset))) return false;
      return !duplicatedIds.has(JSON.parse(message.value!.toString()).event_id);
    });
    expect(flaggedClean).toHaveLength(0);

    // Stored: every clean event exactly once, and one copy of each duplicated id.
    const stored = await waitFor('the clean events in Parquet', async () => {
      const ids = await pipeline.storedEventIds();
      return ids.length >= total - dlq.length ? ids : null;
    });
    expect(stored).toHaveLength(total - dlq.length);
    expect(new Set(stored).size).toBe(stored.length);
    const storedSet = new Set(stored);
    const cleanMissing = clean.filter(({ message }) => !storedSet.has(JSON.parse(message.value!.toString()).event_id));
    expect(cleanMissing).toHaveLength(0);

    // The hourly quality reports count every message once.
    const evaluated = await waitFor('hourly quality reports covering every message', async () => {
      let rows = 0;
      for (const hour of await listHourPartitions(pipeline.backend, 'quality')) {
        rows += (await readHourlyQualityReport(pipeline.backend, hour))?.summary.rowsEvaluated ?? 0;
      }
      return rows === total ? rows : null;
    });
    expect(evaluated).toBe(total);
  });
});
