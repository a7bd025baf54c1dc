import { logLevel, Partitioners, type KafkaConfig, type ProducerConfig } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log-creator';

/**
 * Client settings shared by every app; kafkajs' own logs are kept to warnings so they don't flood at high rates,
 * and go through {@link kafkaLogCreator} (plain lines, start-up noise at debug).
 */
export function kafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return {
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(),
    retry: { initialRetryTime: 300, retries: 8 },
  };
}

/**
 * Idempotent producer settings: the broker de-duplicates retried sends, so retries are unlimited
 * (kafkajs warns that capping them breaks the guarantee) and one request is in flight to keep order.
 * The Java-compatible murmur2 partitioner puts a session's key on the same partition as Java producers would.
 */
export function idempotentProducerConfig(): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
  };
}

/**
 * A client for calls whose failures the caller reports itself (waiting for a broker, periodic lag reads): few retries
 * per attempt, so a down broker fails fast, and no kafkajs log lines.
 */
export function quietKafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return { ...kafkaClientConfig(clientId, brokers), retry: { initialRetryTime: 300, retries: 2 }, logLevel: logLevel.NOTHING };
}
