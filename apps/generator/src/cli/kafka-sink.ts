import { EVENTS_TOPIC } from '@pipeline/events';
import { ensureTopicsOn, idempotentProducerConfig, kafkaClientConfig } from '@pipeline/kafka';
import type { GeneratedMessage } from '@pipeline/simulation';
import { Kafka, type Message, type Producer } from 'kafkajs';
import { cachedPartitioner } from '../kafka/cached-partitioner';
import type { MessageSink } from './message-sink';

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
  return { brokers, topic: env['EVENTS_TOPIC'] || EVENTS_TOPIC, partitions };
}

export function toKafkaMessage(message: GeneratedMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers };
}

/**
 * Plain kafkajs (no Nest in a one-shot CLI): an idempotent producer with acks=all, so a retried batch is
 * never written twice and an acknowledged one survives a broker crash.
 */
export class KafkaSink implements MessageSink {
  private constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  /** Creates the topic if it is missing, then connects the producer. */
  static async connect(settings: KafkaSinkSettings, clientId = 'generator-cli'): Promise<KafkaSink> {
    const kafka = new Kafka(kafkaClientConfig(clientId, settings.brokers));
    await ensureTopicsOn(kafka, [{ topic: settings.topic, numPartitions: settings.partitions }]);
    const config = idempotentProducerConfig();
    const producer = kafka.producer({ ...config, createPartitioner: cachedPartitioner(config.createPartitioner) });
    await producer.connect();
    return new KafkaSink(producer, settings.topic);
  }

  async publish(batch: GeneratedMessage[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages: batch.map(toKafkaMessage) });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
