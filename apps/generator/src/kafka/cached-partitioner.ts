import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/** Keys remembered per topic before the cache starts over; a visit's events arrive within a few hundred sessions. */
export const PARTITION_CACHE_SIZE = 10_000;

/**
 * kafkajs' DefaultPartitioner (Java-compatible murmur2) with its answers remembered per string key.
 *
 * Every event of a visit has the same key (its session_id), and kafkajs computes murmur2 with 64-bit `Long`
 * objects, after filtering the partition list, for every message: at max rate that was ~15 % of the
 * generator's CPU. For a given key and partition count the default partitioner's answer never changes, so
 * a string-keyed Map returns the same partition as asking it again. Messages without a string key, or with an
 * explicit partition, still go to the wrapped partitioner (round robin and explicit partitions unchanged).
 */
export function cachedPartitioner(
  create: ICustomPartitioner = Partitioners.DefaultPartitioner,
  capacity = PARTITION_CACHE_SIZE,
): ICustomPartitioner {
  return () => {
    const partition = create();
    const byTopic = new Map<string, { partitions: number; byKey: Map<string, number> }>();
    return (args) => {
      const { topic, partitionMetadata, message } = args;
      const key = message.key;
      if (typeof key !== 'string' || (message.partition !== null && message.partition !== undefined)) return partition(args);
      let cache = byTopic.get(topic);
      // A partition count change (topic altered) makes every cached answer stale.
      if (!cache || cache.partitions !== partitionMetadata.length) {
        cache = { partitions: partitionMetadata.length, byKey: new Map() };
        byTopic.set(topic, cache);
      }
      const cached = cache.byKey.get(key);
      if (cached !== undefined) return cached;
      const computed = partition(args);
      if (cache.byKey.size >= capacity) cache.byKey.clear();
      cache.byKey.set(key, computed);
      return computed;
    };
  };
}
