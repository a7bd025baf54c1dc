import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadConfig } from '@pipeline/platform';
import { AppModule } from './app/app.module';
import { ReporterConfig } from './app/reporter.config';

async function bootstrap(): Promise<void> {
  const config = loadConfig(ReporterConfig);
  const app = await NestFactory.create(AppModule.register(config));
  app.enableShutdownHooks();
  await app.listen(config.REPORTER_PORT);
  Logger.log(`Reporter listening on :${config.REPORTER_PORT}, reading ${config.DATA_DIR}`, 'Reporter');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error)), 'Bootstrap');
  process.exit(1);
});
