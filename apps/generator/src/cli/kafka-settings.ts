import { DEFAULT_EVENTS_TOPIC } from '@pipeline/kafka/client';

/** Where the CLI produces to. Kept apart from KafkaSink so reading it does not load kafkajs. */
export interface KafkaSinkSettings {
  brokers: string[];
  topic: string;
  /** Used only when the topic has to be created; an existing topic is never altered. */
  partitions: number;
}

export const DEFAULT_BROKERS = '127.0.0.1:9092';
export const DEFAULT_PARTITIONS = 3;

/** The same variables the generator app reads (KAFKA_BROKERS, EVENTS_TOPIC, TOPIC_PARTITIONS), same defaults. */
export function kafkaSinkSettingsFromEnv(env: Record<string, string | undefined>): KafkaSinkSettings {
  const brokers = (env['KAFKA_BROKERS'] || DEFAULT_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS: expected host:port[,host:port...]');
  const partitionsText = env['TOPIC_PARTITIONS'] || String(DEFAULT_PARTITIONS);
  const partitions = Number(partitionsText);
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new Error(`TOPIC_PARTITIONS: expected a positive integer, got "${partitionsText}"`);
  }
  return { brokers, topic: env['EVENTS_TOPIC'] || DEFAULT_EVENTS_TOPIC, partitions };
}
