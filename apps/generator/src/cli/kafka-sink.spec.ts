import { samplePurchase, encodeEvent } from '@pipeline/events';
import { DEFAULT_EVENTS_TOPIC as EVENTS_TOPIC } from '@pipeline/kafka';
import type { GeneratedMessage } from '@pipeline/simulation';
import { kafkaSinkSettingsFromEnv, toKafkaMessages } from './kafka-sink';

describe('kafkaSinkSettingsFromEnv', () => {
  it('defaults to the local broker, the contract topic and 3 partitions', () => {
    expect(kafkaSinkSettingsFromEnv({})).toEqual({ brokers: ['127.0.0.1:9092'], topic: EVENTS_TOPIC, partitions: 3 });
    expect(kafkaSinkSettingsFromEnv({ KAFKA_BROKERS: '', EVENTS_TOPIC: '' }).topic).toBe(EVENTS_TOPIC);
  });

  it('reads the same variables as the generator app', () => {
    expect(kafkaSinkSettingsFromEnv({ KAFKA_BROKERS: ' k1:9092 ,k2:9092,', EVENTS_TOPIC: 'e2e.events', TOPIC_PARTITIONS: '6' })).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      topic: 'e2e.events',
      partitions: 6,
    });
  });

  it('refuses nonsense', () => {
    expect(() => kafkaSinkSettingsFromEnv({ KAFKA_BROKERS: ' , ' })).toThrow(/KAFKA_BROKERS/);
    expect(() => kafkaSinkSettingsFromEnv({ TOPIC_PARTITIONS: '0' })).toThrow(/TOPIC_PARTITIONS/);
    expect(() => kafkaSinkSettingsFromEnv({ TOPIC_PARTITIONS: 'three' })).toThrow(/TOPIC_PARTITIONS/);
  });
});

describe('toKafkaMessages', () => {
  it('hands kafkajs key, bytes and headers, and no partition or timestamp (the partitioner and the send time decide)', () => {
    const encoded = encodeEvent(samplePurchase());
    const message: GeneratedMessage = { ...encoded, eventType: 'purchase', fault: null };
    const [sent] = toKafkaMessages([message]);
    expect({ key: sent.key, value: sent.value, headers: sent.headers }).toEqual(encoded);
    expect(sent.partition).toBeUndefined();
    expect(sent.timestamp).toBeUndefined();
  });
});
