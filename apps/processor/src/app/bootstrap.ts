import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  BatchServerKafka,
  clusterIdOf,
  CommitProgress,
  ConsumerSupervisor,
  deadLetterTopicSpec,
  ensureTopicsOn,
  eventsTopicSpec,
  idempotentProducerConfig,
  kafkaClientConfig,
  resolveIncarnation,
  topicMaxMessageBytesOn,
  untilReachable,
} from '@pipeline/kafka';
import { exitCleanlyOnSignals, loadConfig, StartupState, StorageWriteHealth } from '@pipeline/platform';
import { createStorageBackend, resolveStorageUrl } from '@pipeline/storage';
import { Kafka, logLevel } from 'kafkajs';
import { AppModule } from './app.module';
import { INGEST_BATCH_PATTERN, POISON_MESSAGE_PATTERN } from './ingest/ingest.controller';
import { BrokerFacts, ProcessorConfig, ProcessorHealth } from './processor.config';

/** Starts the processor: HTTP (health, metrics) plus the batch Kafka transport. Also used by the e2e tests. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(ProcessorConfig, env);
  const logger = new Logger('Processor');

  const brokerFacts = new BrokerFacts();
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
  // HTTP first: while Kafka cannot be reached, /health answers 503 and says why instead of refusing connections.
  const startup = app.get(StartupState);
  startup.starting(`consumer not started: waiting for Kafka at ${config.KAFKA_BROKERS}`);
  await app.listen(config.PROCESSOR_PORT, config.HOST);
  // Few retries per attempt and no kafkajs lines: untilReachable reports a down broker once and keeps trying.
  const admin = new Kafka({ ...kafkaClientConfig('processor-admin', config.brokers), retry: { initialRetryTime: 300, retries: 2 }, logLevel: logLevel.NOTHING });
  const topics = await untilReachable(
    () =>
      ensureTopicsOn(admin, [
        eventsTopicSpec(config.EVENTS_TOPIC, config.TOPIC_PARTITIONS),
        deadLetterTopicSpec(config.DLQ_TOPIC, config.TOPIC_PARTITIONS),
      ]),
    {
      onFirstFailure: (reason) =>
        logger.warn(`Kafka at ${config.KAFKA_BROKERS} is unreachable (${reason}); /health answers 503 until it is, retrying every 10 s at most`),
      onRetry: (attempt, reason) => logger.debug(`Kafka still unreachable (attempt ${attempt}): ${reason}`),
      onRecovered: (failures) => logger.log(`Kafka at ${config.KAFKA_BROKERS} reached after ${failures} failed attempt(s)`),
    },
  );
  if (topics.created.length > 0) logger.log(`Created topics ${topics.created.join(', ')}`);
  // Dead letters are fitted to what the DLQ really accepts (a DLQ created earlier may have the broker's default).
  brokerFacts.maxMessageBytes = await topicMaxMessageBytesOn(admin, config.DLQ_TOPIC);
  // A wiped broker starts offsets over: the lake's files of the old cluster are kept and new ones get other names.
  const clusterId = await clusterIdOf(admin);
  const incarnation = await resolveIncarnation(createStorageBackend(config), config.EVENTS_TOPIC, clusterId);
  brokerFacts.storageTopic = incarnation.storageTopic;
  if (incarnation.changedFrom) {
    logger.warn(
      `Kafka cluster changed (${incarnation.changedFrom.clusterId} -> ${clusterId}): offsets start over, so ${config.EVENTS_TOPIC} is now stored as ${incarnation.storageTopic}+<partition>+<offset>; files of the previous cluster (${incarnation.changedFrom.storageTopic}+…) are kept`,
    );
  }
  await app.startAllMicroservices();
  startup.started();
  logger.log(
    `Processor listening on http://${config.HOST}:${config.PROCESSOR_PORT}, consuming ${config.EVENTS_TOPIC} as group ${config.CONSUMER_GROUP} from ${config.KAFKA_BROKERS}, writing to ${resolveStorageUrl(config)}`,
  );
  return app;
}
