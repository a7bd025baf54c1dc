import { Logger, type INestApplicationContext } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: close the app (Nest runs every shutdown hook: the processor finishes the batch in hand,
 * commits and disconnects) and exit 0; exit 1 if that takes longer than `timeoutMs`. Nest's own
 * enableShutdownHooks re-raises the signal after closing, which makes orchestrators report a crash.
 */
export function exitCleanlyOnSignals(app: INestApplicationContext, name: string, timeoutMs = 25_000): void {
  const logger = new Logger(name);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    const timer = setTimeout(() => {
      logger.error(`Shutdown took longer than ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal while closing (a supervisor or `timeout` signals the whole process group, then
  // `npm start`'s clean-up signals each app again) must be ignored, not left to Node's default action, which kills
  // the app mid-shutdown (exit 143: a generator's unsent messages or a processor's batch in hand cut off).
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
