import type { Admin, ITopicConfig } from 'kafkajs';

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
