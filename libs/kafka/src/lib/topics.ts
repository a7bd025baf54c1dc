import { ConfigResourceTypes, type Admin, type ITopicConfig } from 'kafkajs';

/** The topics' default names, the one place they are spelled (EVENTS_TOPIC / DLQ_TOPIC override them). */
export const DEFAULT_EVENTS_TOPIC = 'ecommerce.events';
export const DEFAULT_DLQ_TOPIC = 'ecommerce.events.dlq';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** 1 on a laptop; 3 on a real cluster. */
  replicationFactor?: number;
  configEntries?: ITopicConfig['configEntries'];
}

export interface EnsureTopicsResult {
  created: string[];
  existing: { topic: string; partitions: number }[];
}

/**
 * Creates the topics that are missing; never alters existing ones (changing a topic's partition count
 * moves keys between partitions and breaks per-session ordering, so that is an operator's decision).
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<EnsureTopicsResult> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: s.replicationFactor ?? 1,
        configEntries: s.configEntries,
      })),
    });
  }
  const existingNames = specs.filter((s) => present.has(s.topic)).map((s) => s.topic);
  const existing =
    existingNames.length === 0
      ? []
      : (await admin.fetchTopicMetadata({ topics: existingNames })).topics.map((t) => ({
          topic: t.name,
          partitions: t.partitions.length,
        }));
  return { created: missing.map((s) => s.topic), existing };
}

/** Connects an admin client for the one call apps make at start-up, and always disconnects it. */
export async function ensureTopicsOn(kafka: { admin(): Admin }, specs: TopicSpec[]): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, specs);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Kafka's default `max.message.bytes` (1 MiB + 12), set explicitly on the events topic so the DLQ's limit below
 * is derived from a known value, not from whatever the broker's default happens to be.
 */
export const EVENTS_MAX_MESSAGE_BYTES = 1_048_588;
/** Room for the `dlq-*` headers a dead letter adds (details are capped at 4 KB; 64 KB is ample). */
export const DLQ_HEADER_ALLOWANCE_BYTES = 64 * 1024;
/** The DLQ holds the largest event the events topic accepts, plus its dead-letter headers. */
export const DLQ_MAX_MESSAGE_BYTES = EVENTS_MAX_MESSAGE_BYTES + DLQ_HEADER_ALLOWANCE_BYTES;

export function eventsTopicSpec(topic: string, numPartitions: number): TopicSpec {
  return { topic, numPartitions, configEntries: [{ name: 'max.message.bytes', value: String(EVENTS_MAX_MESSAGE_BYTES) }] };
}

export function deadLetterTopicSpec(topic: string, numPartitions: number): TopicSpec {
  return { topic, numPartitions, configEntries: [{ name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) }] };
}

/** The topic's effective `max.message.bytes` (its own setting or the broker's default), as the broker reports it. */
export async function topicMaxMessageBytes(admin: Admin, topic: string): Promise<number> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
  });
  const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
  const value = Number(entry?.configValue);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`cannot read max.message.bytes of topic ${topic}`);
  return value;
}

/** {@link topicMaxMessageBytes} with a short-lived admin client. */
export async function topicMaxMessageBytesOn(kafka: { admin(): Admin }, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await topicMaxMessageBytes(admin, topic);
  } finally {
    await admin.disconnect();
  }
}
