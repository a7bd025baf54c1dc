import {
  clusterIdOf,
  deadLetterTopicSpec,
  ensureTopicsOn,
  eventsTopicSpec,
  resolveIncarnation,
  topicMaxMessageBytesOn,
  untilReachable,
  type PipelineTopicsConfig,
} from '@pipeline/kafka';
import type { StorageBackend } from '@pipeline/storage';
import type { Kafka } from 'kafkajs';
import type { BrokerFacts } from './ingest-health';

export interface BrokerSetupLogger {
  log(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/**
 * What the ingest path does before it consumes: waits until Kafka answers (saying once that it is unreachable),
 * creates the missing topics, reads the DLQ's real message size limit and which incarnation of the topic the lake's
 * new files belong to. Fills in `facts`. `kafka` should retry little and log nothing: this reports a down broker.
 */
export async function setUpBroker(kafka: Pick<Kafka, 'admin'>, config: PipelineTopicsConfig, lake: StorageBackend, facts: BrokerFacts, logger: BrokerSetupLogger): Promise<void> {
  const specs = [eventsTopicSpec(config.EVENTS_TOPIC, config.TOPIC_PARTITIONS), deadLetterTopicSpec(config.DLQ_TOPIC, config.TOPIC_PARTITIONS)];
  const topics = await untilReachable(() => ensureTopicsOn(kafka, specs), {
    onFirstFailure: (reason) => logger.warn(`Kafka at ${config.KAFKA_BROKERS} is unreachable (${reason}); /health answers 503 until it is, retrying every 10 s at most`),
    onRetry: (attempt, reason) => logger.debug(`Kafka still unreachable (attempt ${attempt}): ${reason}`),
    onRecovered: (failures) => logger.log(`Kafka at ${config.KAFKA_BROKERS} reached after ${failures} failed attempt(s)`),
  });
  if (topics.created.length > 0) logger.log(`Created topics ${topics.created.join(', ')}`);
  // Dead letters are fitted to what the DLQ really accepts (a DLQ created earlier may have the broker's default).
  facts.maxMessageBytes = await topicMaxMessageBytesOn(kafka, config.DLQ_TOPIC);
  // A wiped broker starts offsets over: the lake's files of the old cluster are kept and new ones get other names.
  const clusterId = await clusterIdOf(kafka);
  const incarnation = await resolveIncarnation(lake, config.EVENTS_TOPIC, clusterId);
  facts.storageTopic = incarnation.storageTopic;
  if (incarnation.changedFrom) {
    logger.warn(
      `Kafka cluster changed (${incarnation.changedFrom.clusterId} -> ${clusterId}): offsets start over, so ${config.EVENTS_TOPIC} is now stored as ${incarnation.storageTopic}+<partition>+<offset>; files of the previous cluster (${incarnation.changedFrom.storageTopic}+…) are kept`,
    );
  }
}
