import { kafkaClientConfig, kafkaLogCreator } from '@pipeline/kafka';
import { HEADER_GENERATOR_RUN, HEADER_GENERATOR_SEQ, type StoredRun } from '@pipeline/simulation';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import type { KafkaSinkSettings } from './kafka-settings';

/** Messages read back from the end of each partition first; the window grows eightfold while no message of the run is in it. */
const FIRST_WINDOW = 2_000;
const WINDOW_GROWTH = 8;
const READ_TIMEOUT_MS = 120_000;

/**
 * What the topic holds of a run (`--resume`): per partition, the highest stream position among the run's messages.
 * Since a run's messages are stored in stream order per partition, that is the position of the run's last message in
 * the partition: read backwards from the end in growing windows until one of the run's messages is found (or the
 * partition's start is reached: the run has nothing there). The partitioner is kafkajs' default (murmur2 of the key
 * over all partitions, as the producer uses), so a regenerated message's partition is known without sending it.
 */
export async function readStoredRun(settings: KafkaSinkSettings, runId: string, log: (line: string) => void = () => undefined): Promise<StoredRun> {
  const config = { ...kafkaClientConfig('generator-cli-resume', settings.brokers), logCreator: kafkaLogCreator({ sink: (level, line) => process.stderr.write(`kafka ${level}: ${line}\n`) }) };
  const kafka = new Kafka({ ...config, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  let partitions: PartitionMetadata[];
  let offsets: { partition: number; low: string; high: string }[];
  try {
    partitions = (await admin.fetchTopicMetadata({ topics: [settings.topic] })).topics[0].partitions;
    offsets = await admin.fetchTopicOffsets(settings.topic);
  } finally {
    await admin.disconnect();
  }
  const maxSeqByPartition = new Map<number, number>();
  let window = FIRST_WINDOW;
  let open = offsets.filter((o) => BigInt(o.high) > BigInt(o.low));
  while (open.length > 0) {
    const ranges = open.map((o) => ({ partition: o.partition, from: maxBig(BigInt(o.low), BigInt(o.high) - BigInt(window)), to: BigInt(o.high) }));
    log(`resume: reading the last ${window} messages of partition(s) ${ranges.map((r) => r.partition).join(',')}`);
    const found = await highestSeqInRanges(kafka, settings.topic, runId, ranges, offsets);
    for (const [partition, seq] of found) maxSeqByPartition.set(partition, seq);
    // Partitions with no message of the run in the window, and more before it: look further back.
    const startOf = new Map(ranges.map((r) => [r.partition, r.from]));
    open = open.filter((o) => !found.has(o.partition) && (startOf.get(o.partition) ?? 0n) > BigInt(o.low));
    window *= WINDOW_GROWTH;
  }
  const partitioner = Partitioners.DefaultPartitioner();
  return {
    maxSeqByPartition,
    partitionOf: (key) => partitioner({ topic: settings.topic, partitionMetadata: partitions, message: { key, value: null } }),
  };
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

/** Reads [from, to) of each partition once (a throw-away group that commits nothing) and keeps the run's highest position. */
async function highestSeqInRanges(
  kafka: Kafka,
  topic: string,
  runId: string,
  ranges: { partition: number; from: bigint; to: bigint }[],
  offsets: readonly { partition: number; high: string }[],
): Promise<Map<number, number>> {
  const highest = new Map<number, number>();
  const pending = new Set(ranges.map((r) => r.partition));
  const endOf = new Map(ranges.map((r) => [r.partition, r.to]));
  const consumer = kafka.consumer({ groupId: `generator-resume-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading the end of ${topic} took more than ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      const finish = (partition: number) => {
        pending.delete(partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = endOf.get(batch.partition);
            if (end === undefined || !pending.has(batch.partition)) return;
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              if (message.headers?.[HEADER_GENERATOR_RUN]?.toString() !== runId) continue;
              const seq = Number(message.headers?.[HEADER_GENERATOR_SEQ]?.toString());
              if (Number.isSafeInteger(seq)) highest.set(batch.partition, Math.max(highest.get(batch.partition) ?? -1, seq));
            }
            if (BigInt(batch.lastOffset()) + 1n >= end) finish(batch.partition);
          },
        })
        .catch(reject);
      // Every partition of the topic is assigned to this lone member: the ones read start at their window, the
      // others at their end (nothing to fetch).
      for (const { partition, high } of offsets) {
        const range = ranges.find((r) => r.partition === partition);
        consumer.seek({ topic, partition, offset: range ? range.from.toString() : high });
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return highest;
}
