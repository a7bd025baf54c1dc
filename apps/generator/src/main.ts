import { Logger } from '@nestjs/common';
import { applyLogLevel, ConfigValidationError, exitCleanlyOnSignals, loadConfig } from '@pipeline/platform';
import { GeneratorConfig } from './app/generator.config';
import { GeneratorService } from './app/generator/generator.service';
import { createGeneratorApp } from './app/setup-app';

async function bootstrap(): Promise<void> {
  applyLogLevel();
  const config = loadConfig(GeneratorConfig);
  const app = await createGeneratorApp(config);
  exitCleanlyOnSignals(app, 'Generator');
  // Listens before Kafka is reached: /health says why the generator is not ready while it keeps retrying.
  await app.listen(config.GENERATOR_PORT, config.HOST);
  if (config.GENERATOR_EXIT_WHEN_DONE) {
    // One-shot runs (scripts, tests): exit 0 once the count or duration is reached, after a clean shutdown.
    void app
      .get(GeneratorService)
      .limitReached.then(() => app.close())
      .then(() => process.exit(0));
  }
  Logger.log(
    `Generator listening on http://${config.HOST}:${config.GENERATOR_PORT} (API docs at /docs), producing to ${config.EVENTS_TOPIC} on ${config.KAFKA_BROKERS}` +
      (config.GENERATOR_API_TOKEN ? '; start/stop/rate need the bearer token' : ''),
    'Generator',
  );
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error)), 'Bootstrap');
  process.exit(1);
});
