import { kafkaClientConfig, kafkaLogCreator } from '@pipeline/kafka/client';
import { messageFingerprint, type MessageFingerprint, type RunLocator, type StoredRun } from '@pipeline/simulation';
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
 * the partition: read backwards from the end in growing windows, handing each window's fingerprints to `locate`
 * (which regenerates the run and matches them), until one of the run's messages is found (or the partition's start
 * is reached: the run has nothing there). The partitioner is kafkajs' default (murmur2 of the key over all
 * partitions, as the producer uses), so a regenerated message's partition is known without sending it.
 */
export async function readStoredRun(settings: KafkaSinkSettings, locate: RunLocator, log: (line: string) => void = () => undefined): Promise<StoredRun> {
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
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionOf = (key: string) => partitioner({ topic: settings.topic, partitionMetadata: partitions, message: { key, value: null } });
  const maxSeqByPartition = new Map<number, number>();
  let window = FIRST_WINDOW;
  let open = offsets.filter((o) => BigInt(o.high) > BigInt(o.low));
  while (open.length > 0) {
    const ranges = open.map((o) => ({ partition: o.partition, from: maxBig(BigInt(o.low), BigInt(o.high) - BigInt(window)), to: BigInt(o.high) }));
    log(`resume: reading the last ${window} messages of partition(s) ${ranges.map((r) => r.partition).join(',')}`);
    const tails = await fingerprintsInRanges(kafka, settings.topic, ranges, offsets);
    const found = locate(tails, partitionOf);
    for (const [partition, seq] of found) maxSeqByPartition.set(partition, seq);
    // Partitions with no message of the run in the window, and more before it: look further back.
    const startOf = new Map(ranges.map((r) => [r.partition, r.from]));
    open = open.filter((o) => !found.has(o.partition) && (startOf.get(o.partition) ?? 0n) > BigInt(o.low));
    window *= WINDOW_GROWTH;
  }
  return { maxSeqByPartition, partitionOf };
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

/** Reads [from, to) of each partition once (a throw-away group that commits nothing): its messages' fingerprints, oldest first. */
async function fingerprintsInRanges(
  kafka: Kafka,
  topic: string,
  ranges: { partition: number; from: bigint; to: bigint }[],
  offsets: readonly { partition: number; high: string }[],
): Promise<Map<number, MessageFingerprint[]>> {
  const tails = new Map<number, MessageFingerprint[]>(ranges.map((r) => [r.partition, []]));
  const pending = new Set(ranges.map((r) => r.partition));
  const endOf = new Map(ranges.map((r) => [r.partition, r.to]));
  const startOf = new Map(ranges.map((r) => [r.partition, r.from]));
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
            const tail = tails.get(batch.partition) ?? [];
            const start = startOf.get(batch.partition) ?? 0n;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= end) break;
              if (offset < start) continue;
              tail.push(messageFingerprint(message.key?.toString('utf8') ?? null, message.value));
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
  return tails;
}
