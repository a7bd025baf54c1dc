import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BatchServerKafka, ensureTopicsOn, idempotentProducerConfig, kafkaClientConfig, untilReachable } from '@pipeline/kafka';
import { exitCleanlyOnSignals, loadConfig, StartupState } from '@pipeline/platform';
import { resolveStorageUrl } from '@pipeline/storage';
import { Kafka, logLevel } from 'kafkajs';
import { AppModule } from './app.module';
import { INGEST_BATCH_PATTERN } from './ingest/ingest.controller';
import { ProcessorConfig } from './processor.config';

/** Starts the processor: HTTP (health, metrics) plus the batch Kafka transport. Also used by the e2e tests. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(ProcessorConfig, env);
  const logger = new Logger('Processor');

  const app = await NestFactory.create(AppModule.register(config), { bufferLogs: false });
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
          heartbeatInterval: Math.max(500, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
          rebalanceTimeout: Math.max(10_000, config.KAFKA_SESSION_TIMEOUT_MS),
        },
        producer: idempotentProducerConfig(),
        // One partition at a time: with kafkajs' concurrent workers, a rebalance seen by one batch leaves the others
        // running after the group moved on, and such a zombie could overwrite the new owner's files.
        run: { partitionsConsumedConcurrently: 1 },
        subscribe: { fromBeginning: true },
      }, { topics: [config.EVENTS_TOPIC], pattern: INGEST_BATCH_PATTERN }),
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
        { topic: config.EVENTS_TOPIC, numPartitions: config.TOPIC_PARTITIONS },
        { topic: config.DLQ_TOPIC, numPartitions: config.TOPIC_PARTITIONS },
      ]),
    {
      onFirstFailure: (reason) =>
        logger.warn(`Kafka at ${config.KAFKA_BROKERS} is unreachable (${reason}); /health answers 503 until it is, retrying every 10 s at most`),
      onRetry: (attempt, reason) => logger.debug(`Kafka still unreachable (attempt ${attempt}): ${reason}`),
      onRecovered: (failures) => logger.log(`Kafka at ${config.KAFKA_BROKERS} reached after ${failures} failed attempt(s)`),
    },
  );
  if (topics.created.length > 0) logger.log(`Created topics ${topics.created.join(', ')}`);
  await app.startAllMicroservices();
  startup.started();
  logger.log(
    `Processor listening on http://${config.HOST}:${config.PROCESSOR_PORT}, consuming ${config.EVENTS_TOPIC} as group ${config.CONSUMER_GROUP} from ${config.KAFKA_BROKERS}, writing to ${resolveStorageUrl(config)}`,
  );
  return app;
}
