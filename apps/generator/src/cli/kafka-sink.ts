import { ensureTopicsOn, eventsTopicSpec, idempotentProducerConfig, kafkaClientConfig } from '@pipeline/kafka';
import type { GeneratedMessage } from '@pipeline/simulation';
import { Kafka, type Message, type Producer } from 'kafkajs';
import { cachedPartitioner } from '../kafka/cached-partitioner';
import type { KafkaSinkSettings } from './kafka-settings';
import type { MessageSink } from './message-sink';

export { DEFAULT_BROKERS, DEFAULT_PARTITIONS, kafkaSinkSettingsFromEnv, type KafkaSinkSettings } from './kafka-settings';

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
    await ensureTopicsOn(kafka, [eventsTopicSpec(settings.topic, settings.partitions)]);
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
