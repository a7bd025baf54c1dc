import { Logger } from '@nestjs/common';
import { ConfigValidationError, exitCleanlyOnSignals, loadConfig } from '@pipeline/platform';
import { resolveStorageUrl } from '@pipeline/storage';
import { ReporterConfig } from './app/reporter.config';
import { createReporterApp } from './app/setup-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig(ReporterConfig);
  const app = await createReporterApp(config);
  exitCleanlyOnSignals(app, 'Reporter');
  await app.listen(config.REPORTER_PORT);
  Logger.log(`Reporter listening on :${config.REPORTER_PORT}, reading ${resolveStorageUrl(config)}`, 'Reporter');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error)), 'Bootstrap');
  process.exit(1);
});
