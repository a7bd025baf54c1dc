import { OfflineIngest } from '../offline-ingest';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { createStorageBackend, PartitionPath, type StorageBackend } from '@pipeline/storage';

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
  /** Messages refused (contract, blocking rule, duplicate): what the processor dead-letters. */
  rejectedMessages: number;
  hours: PartitionPath[];
  fromMs: number;
  toMs: number;
}

/**
 * Hours of the generator's simulation stored through the processor's own path (libs/ingest), one batch per hour,
 * each judged by the quality rules shortly after its hour ends; only Kafka is left out. `lake`: a folder, or any
 * backend (the same options write the same lake on either).
 */
export async function writeSamplePipelineData(lake: string | StorageBackend, options: SamplePipelineDataOptions): Promise<SamplePipelineData> {
  const first = PartitionPath.fromEventTime(options.startMs);
  const simulation = new ClickstreamSimulation({
    seed: options.seed ?? 42,
    startTime: first.startMs,
    concurrentSessions: options.concurrentSessions ?? 8,
    badRatio: options.badRatio ?? 0.01,
  });
  let judgedAt = first.endMs;
  const ingest = new OfflineIngest({ backend: typeof lake === 'string' ? createStorageBackend(`file://${lake}`) : lake, source: 'sample', chunkSize: 10_000_000, now: () => judgedAt });
  const hours = Array.from({ length: options.hours }, (_, i) => PartitionPath.fromEventTime(first.startMs + i * 3_600_000));
  // A message belongs to the hour the simulated clock was in before it was drawn.
  let message = simulation.next();
  for (const hour of hours) {
    judgedAt = hour.endMs + 60_000;
    while (simulation.clockMs < hour.endMs) {
      await ingest.add(message.value);
      message = simulation.next();
    }
    await ingest.flush();
  }
  const { stored, deadLettered } = ingest.totals;
  return { storedEvents: stored, rejectedMessages: deadLettered, hours, fromMs: first.startMs, toMs: hours[hours.length - 1].endMs };
}
