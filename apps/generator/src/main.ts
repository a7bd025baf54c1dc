import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { deadLetterTopicSpec, ensureTopicsOn, eventsTopicSpec, kafkaClientConfig } from '@pipeline/kafka';
import { ConfigValidationError, exitCleanlyOnSignals, loadConfig } from '@pipeline/platform';
import { Kafka } from 'kafkajs';
import { AppModule } from './app/app.module';
import { GeneratorConfig } from './app/generator.config';
import { GeneratorService } from './app/generator/generator.service';

async function bootstrap(): Promise<void> {
  const config = loadConfig(GeneratorConfig);
  await ensureTopicsOn(new Kafka(kafkaClientConfig('generator-admin', config.brokers)), [
    eventsTopicSpec(config.EVENTS_TOPIC, config.TOPIC_PARTITIONS),
    deadLetterTopicSpec(config.DLQ_TOPIC, config.TOPIC_PARTITIONS),
  ]);
  const app = await NestFactory.create(AppModule.register(config));
  exitCleanlyOnSignals(app, 'Generator');
  await app.listen(config.GENERATOR_PORT);
  if (config.GENERATOR_EXIT_WHEN_DONE) {
    // One-shot runs (scripts, tests): exit 0 once the count or duration is reached, after a clean shutdown.
    void app
      .get(GeneratorService)
      .limitReached.then(() => app.close())
      .then(() => process.exit(0));
  }
  Logger.log(`Generator listening on :${config.GENERATOR_PORT}, producing to ${config.EVENTS_TOPIC} on ${config.KAFKA_BROKERS}`, 'Generator');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error)), 'Bootstrap');
  process.exit(1);
});
