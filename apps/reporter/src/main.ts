import { Logger } from '@nestjs/common';
import { applyLogLevel, ConfigValidationError, exitCleanlyOnSignals, loadConfig } from '@pipeline/platform';
import { resolveStorageUrl } from '@pipeline/storage';
import { ReporterConfig } from './app/reporter.config';
import { createReporterApp } from './app/setup-app';

async function bootstrap(): Promise<void> {
  applyLogLevel();
  const config = loadConfig(ReporterConfig);
  const app = await createReporterApp(config);
  exitCleanlyOnSignals(app, 'Reporter');
  await app.listen(config.REPORTER_PORT, config.HOST);
  Logger.log(`Reporter listening on http://${config.HOST}:${config.REPORTER_PORT} (dashboard at /, API docs at /docs), reading ${resolveStorageUrl(config)}`, 'Reporter');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error)), 'Bootstrap');
  process.exit(1);
});
