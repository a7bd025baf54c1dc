import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BrokerFacts, IngestHealth, setUpBroker } from '@pipeline/ingest';
import { BatchServerKafka, batchConsumerOptions, quietKafkaClientConfig } from '@pipeline/kafka';
import { exitCleanlyOnSignals, loadConfig, StartupState } from '@pipeline/platform';
import { createStorageBackend, resolveStorageUrl } from '@pipeline/storage';
import { Kafka } from 'kafkajs';
import { AppModule } from './app.module';
import { ConsumerLagService } from './ingest/consumer-lag.service';
import { INGEST_BATCH_PATTERN, POISON_MESSAGE_PATTERN } from './ingest/ingest.controller';
import { ProcessorConfig } from './processor.config';

/** Starts the processor: HTTP (health, metrics) plus the batch Kafka transport. Also used by the e2e tests. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(ProcessorConfig, env);
  const logger = new Logger('Processor');
  const brokerFacts = new BrokerFacts();
  const health = new IngestHealth(config);
  const app = await NestFactory.create(AppModule.register(config, brokerFacts, health), { bufferLogs: false });
  exitCleanlyOnSignals(app, 'Processor');
  const strategy = new BatchServerKafka(batchConsumerOptions(config, 'processor'), {
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
  });
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  // HTTP first: while Kafka cannot be reached, /health answers 503 and says why instead of refusing connections.
  const startup = app.get(StartupState);
  startup.starting(`consumer not started: waiting for Kafka at ${config.KAFKA_BROKERS}`);
  await app.listen(config.PROCESSOR_PORT, config.HOST);
  // setUpBroker reports a down broker once and keeps trying.
  await setUpBroker(new Kafka(quietKafkaClientConfig('processor-admin', config.brokers)), config, createStorageBackend(config), brokerFacts, logger);
  await app.startAllMicroservices();
  app.get(ConsumerLagService).start();
  startup.started();
  logger.log(
    `Processor listening on http://${config.HOST}:${config.PROCESSOR_PORT}, consuming ${config.EVENTS_TOPIC} as group ${config.CONSUMER_GROUP} from ${config.KAFKA_BROKERS}, writing to ${resolveStorageUrl(config)}`,
  );
  return app;
}
