import type { Admin } from 'kafkajs';

/**
 * Which Kafka "incarnation" the lake's files of a topic belong to. Files are named by topic, partition and first
 * offset, and the sink refuses to overwrite a name that exists (that is how it stops a zombie writer). When the
 * broker's data is wiped (a new cluster: `.kafka/data-<port>` removed, a compose volume dropped), offsets start
 * at 0 again and every new batch collides with an old file: the processor used to crash-loop on StaleWriterError.
 *
 * So the lake records the cluster id it was written against, per topic; under a different cluster id, new files
 * are stored under the topic name plus `.c-<cluster id>` (e.g. `ecommerce.events.c-drpQm8Z8hAJ7Lvsbxj8ScA+0+…`),
 * names that cannot collide with the old ones, which are kept. kafkajs 2.2.4 does not expose topic ids (its Metadata
 * request predates them), so a topic deleted and recreated on the same cluster is not detected this way.
 */
export interface IncarnationStore {
  exists(key: string): Promise<boolean>;
  read(key: string): Promise<Buffer>;
  writeAtomic(key: string, bytes: Uint8Array): Promise<void>;
}

export interface IncarnationRecord {
  format: 1;
  topic: string;
  current: { clusterId: string; storageTopic: string; since: string };
  previous: { clusterId: string; storageTopic: string; since: string }[];
}

export interface ResolvedIncarnation {
  /** The name to store this topic's batches under (the topic itself for the lake's first cluster). */
  storageTopic: string;
  /** The cluster id the lake was written against before, when it changed now; else null. */
  changedFrom: IncarnationRecord['current'] | null;
}

export function incarnationKey(topic: string): string {
  return `_incarnations/${topic}.json`;
}

/** `ecommerce.events` on cluster `drpQm8Z8…` -> `ecommerce.events.c-drpQm8Z8…` (still a valid Kafka-style topic name). */
export function storageTopicFor(topic: string, clusterId: string): string {
  return `${topic}.c-${clusterId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 249);
}

export async function resolveIncarnation(
  store: IncarnationStore,
  topic: string,
  clusterId: string,
  now: () => Date = () => new Date(),
): Promise<ResolvedIncarnation> {
  const key = incarnationKey(topic);
  const record = (await store.exists(key)) ? (JSON.parse((await store.read(key)).toString('utf8')) as IncarnationRecord) : null;
  if (record && record.current.clusterId === clusterId) return { storageTopic: record.current.storageTopic, changedFrom: null };
  const current = {
    clusterId,
    // A lake's first cluster keeps the plain names (so existing lakes read as before); a later one gets its own,
    // and a cluster seen before gets its old names back (its offsets continue where they were).
    storageTopic: !record ? topic : (record.previous.find((p) => p.clusterId === clusterId)?.storageTopic ?? storageTopicFor(topic, clusterId)),
    since: now().toISOString(),
  };
  const next: IncarnationRecord = { format: 1, topic, current, previous: record ? [...record.previous, record.current] : [] };
  // Instances starting together after a wipe compute the same name, so a race writes the same content.
  await store.writeAtomic(key, Buffer.from(`${JSON.stringify(next, null, 2)}\n`, 'utf8'));
  return { storageTopic: current.storageTopic, changedFrom: record?.current ?? null };
}

export async function clusterIdOf(kafka: { admin(): Admin }): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}
