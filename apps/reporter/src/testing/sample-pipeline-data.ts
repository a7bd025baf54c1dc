import { decodeEvent, EVENTS_TOPIC, type ShopEvent } from '@pipeline/events';
import {
  datasetFromEvents,
  defaultDatasetRules,
  defaultRecordRules,
  hasBlockingFailure,
  QualityTally,
  runDatasetRules,
} from '@pipeline/quality';
import { ClickstreamSimulation } from '@pipeline/simulation';
import {
  batchFileStem,
  LocalFileSystemBackend,
  PartitionedEventSink,
  PartitionPath,
  rollupHour,
  rollupQualityHour,
  writeQualityBatchReport,
} from '@pipeline/storage';

const HOUR_MS = 3_600_000;

export interface SamplePipelineDataOptions {
  /** First hour (any instant inside it works; it is floored to the hour). */
  startMs: number;
  hours: number;
  seed?: number;
  /** Visits in progress at once; about 40 events per hour per visit with the simulation's default pacing. */
  concurrentSessions?: number;
  /** Share of corrupted messages, as the generator's --bad-ratio. */
  badRatio?: number;
}

export interface SamplePipelineData {
  /** Events stored (valid, not duplicates). */
  storedEvents: number;
  /** Messages rejected (contract or blocking rule), as the processor would dead-letter them. */
  rejectedMessages: number;
  hours: PartitionPath[];
  fromMs: number;
  toMs: number;
}

/**
 * Realistic stored data through the pipeline's own code: the generator's simulation, the contract decoder,
 * the quality rules the processor runs, the partitioned sink and the hourly rollup, and the quality reports
 * written and rolled up the way the processor does. Kafka is the only part left out (one batch per hour).
 */
export async function writeSamplePipelineData(dataDir: string, options: SamplePipelineDataOptions): Promise<SamplePipelineData> {
  const fromMs = Math.floor(options.startMs / HOUR_MS) * HOUR_MS;
  const toMs = fromMs + options.hours * HOUR_MS;
  const backend = new LocalFileSystemBackend(dataDir);
  const sink = new PartitionedEventSink(backend);
  const simulation = new ClickstreamSimulation({
    seed: options.seed ?? 42,
    startTime: fromMs,
    concurrentSessions: options.concurrentSessions ?? 8,
    badRatio: options.badRatio ?? 0.01,
  });
  const recordRules = defaultRecordRules();
  const datasetRules = defaultDatasetRules();
  const result: SamplePipelineData = { storedEvents: 0, rejectedMessages: 0, hours: [], fromMs, toMs };
  const trailingHourCounts: number[] = [];
  let offset = 0;
  let message = simulation.next();

  for (let hourStart = fromMs; hourStart < toMs; hourStart += HOUR_MS) {
    const hour = PartitionPath.fromEventTime(hourStart);
    // The processor judges an hour shortly after it ends.
    const context = { nowMs: hour.endMs + 60_000 };
    const tally = new QualityTally(recordRules, context);
    const kept: ShopEvent[] = [];
    const firstOffset = offset;
    while (simulation.clockMs < hour.endMs) {
      offset++;
      const decoded = decodeEvent(message.value);
      if (decoded.ok) {
        if (hasBlockingFailure(tally.evaluate(decoded.event))) result.rejectedMessages++;
        else kept.push(decoded.event);
      } else {
        tally.addContractRejection(decoded, { candidate: parseOrUndefined(message.value), ref: `${EVENTS_TOPIC}/0@${offset - 1}` });
        result.rejectedMessages++;
      }
      message = simulation.next();
    }
    const dataset = runDatasetRules(datasetRules, datasetFromEvents(kept), { ...context, trailingHourCounts: [...trailingHourCounts] });
    const blocking = new Set(dataset.blockingRows);
    const stored = kept.filter((_, row) => !blocking.has(row));
    result.rejectedMessages += blocking.size;
    if (offset > firstOffset) {
      await sink.writeBatch({ topic: EVENTS_TOPIC, partition: 0, firstOffset: String(firstOffset), lastOffset: String(offset - 1), events: stored });
      await sink.completeBatch(EVENTS_TOPIC, 0);
    }
    await rollupHour(backend, hour);
    // As the processor does: a report per batch, then the hour's report rolled up from its batches.
    await writeQualityBatchReport(backend, hour, batchFileStem(EVENTS_TOPIC, 0, String(firstOffset)), tally.toReport({ dataset }));
    await rollupQualityHour(backend, hour);
    trailingHourCounts.push(stored.length);
    result.storedEvents += stored.length;
    result.hours.push(hour);
  }
  return result;
}

function parseOrUndefined(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
