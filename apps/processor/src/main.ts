import { Logger } from '@nestjs/common';
import { applyLogLevel, ConfigValidationError } from '@pipeline/platform';
import { bootstrapProcessor } from './app/bootstrap';

applyLogLevel();
bootstrapProcessor().catch((error: unknown) => {
  const message = error instanceof ConfigValidationError ? error.message : ((error as Error).stack ?? String(error));
  Logger.error(message, 'Bootstrap');
  process.exit(1);
});
