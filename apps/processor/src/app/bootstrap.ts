import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  BatchServerKafka,
  CommitProgress,
  ConsumerSupervisor,
  deadLetterTopicSpec,
  ensureTopicsOn,
  eventsTopicSpec,
  idempotentProducerConfig,
  kafkaClientConfig,
  topicMaxMessageBytesOn,
  clusterIdOf,
  resolveIncarnation,
} from '@pipeline/kafka';
import { LocalFileSystemBackend } from '@pipeline/storage';
import { exitCleanlyOnSignals, loadConfig, StorageWriteHealth } from '@pipeline/platform';
import { Kafka } from 'kafkajs';
import { AppModule } from './app.module';
import { INGEST_BATCH_PATTERN, POISON_MESSAGE_PATTERN } from './ingest/ingest.controller';
import { BrokerFacts, ProcessorConfig, ProcessorHealth } from './processor.config';

/** Starts the processor: HTTP (health, metrics) plus the batch Kafka transport. Also used by the e2e tests. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(ProcessorConfig, env);
  const logger = new Logger('Processor');

  const topics = await ensureTopicsOn(new Kafka(kafkaClientConfig('processor-admin', config.brokers)), [
    eventsTopicSpec(config.EVENTS_TOPIC, config.TOPIC_PARTITIONS),
    deadLetterTopicSpec(config.DLQ_TOPIC, config.TOPIC_PARTITIONS),
  ]);
  if (topics.created.length > 0) logger.log(`Created topics ${topics.created.join(', ')}`);
  // Dead letters are fitted to what the DLQ really accepts (a DLQ created earlier may have the broker's default).
  const adminKafka = new Kafka(kafkaClientConfig('processor-admin', config.brokers));
  // A wiped broker starts offsets over: the lake's files of the old cluster are kept and new ones get other names.
  const clusterId = await clusterIdOf(adminKafka);
  const incarnation = await resolveIncarnation(new LocalFileSystemBackend(config.DATA_DIR), config.EVENTS_TOPIC, clusterId);
  if (incarnation.changedFrom) {
    logger.warn(
      `Kafka cluster changed (${incarnation.changedFrom.clusterId} -> ${clusterId}): offsets start over, so ${config.EVENTS_TOPIC} is now stored as ${incarnation.storageTopic}+<partition>+<offset>; files of the previous cluster (${incarnation.changedFrom.storageTopic}+…) are kept`,
    );
  }
  const brokerFacts: BrokerFacts = {
    maxMessageBytes: await topicMaxMessageBytesOn(adminKafka, config.DLQ_TOPIC),
    storageTopic: incarnation.storageTopic,
  };

  const health = new ProcessorHealth(
    new ConsumerSupervisor({ maxRestarts: config.CONSUMER_MAX_RESTARTS, inactivityMs: Math.max(15_000, config.KAFKA_SESSION_TIMEOUT_MS + config.BATCH_MAX_MS) }),
    new CommitProgress(config.STALL_TIMEOUT_MS),
    new StorageWriteHealth(),
  );
  const app = await NestFactory.create(AppModule.register(config, brokerFacts, health), { bufferLogs: false });
  exitCleanlyOnSignals(app, 'Processor');
  app.connectMicroservice(
    {
      strategy: new BatchServerKafka({
        client: kafkaClientConfig('processor', config.brokers),
        consumer: {
          groupId: config.CONSUMER_GROUP,
          maxWaitTimeInMs: config.BATCH_MAX_MS,
          // Ask the broker to gather data for up to BATCH_MAX_MS: fewer, larger files at high rates.
          minBytes: 1024 * 1024,
          maxBytesPerPartition: config.FETCH_MAX_BYTES_PER_PARTITION,
          maxBytes: config.FETCH_MAX_BYTES_PER_PARTITION * config.TOPIC_PARTITIONS,
          sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
          heartbeatInterval: Math.min(config.KAFKA_HEARTBEAT_INTERVAL_MS, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
          // How long a rebalance waits for members to rejoin: a member finishing its chunk rejoins within seconds.
          rebalanceTimeout: Math.max(10_000, config.KAFKA_SESSION_TIMEOUT_MS),
        },
        producer: idempotentProducerConfig(),
        // One partition at a time: with kafkajs' concurrent workers, a rebalance seen by one batch leaves the others
        // running after the group moved on, and such a zombie could overwrite the new owner's files.
        run: { partitionsConsumedConcurrently: 1 },
        subscribe: { fromBeginning: true },
      }, {
        topics: [config.EVENTS_TOPIC],
        pattern: INGEST_BATCH_PATTERN,
        poisonPattern: POISON_MESSAGE_PATTERN,
        maxAttempts: config.POISON_MAX_ATTEMPTS,
        supervisor: health.consumer,
        onGiveUp: (error) => {
          logger.error(`Consumer is down for good (${error ?? 'stopped'}); exiting with 1 so a supervisor restarts the processor`);
          // A moment for /health to answer 503 and the log to flush.
          setTimeout(() => process.exit(1), 500).unref();
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.PROCESSOR_PORT);
  logger.log(
    `Processor listening on :${config.PROCESSOR_PORT}, consuming ${config.EVENTS_TOPIC} as group ${config.CONSUMER_GROUP} from ${config.KAFKA_BROKERS}, writing to ${config.DATA_DIR}`,
  );
  return app;
}
