import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { ConfigValidationError } from './load-config';

/** LOG_LEVEL values, least to most verbose; each includes the ones before it. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelSetting = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevelSetting = 'log';

/** The Nest log levels LOG_LEVEL enables: "log" -> fatal, error, warn, log (debug lines are hidden). */
export function nestLogLevels(setting: string | undefined): LogLevel[] {
  const value = setting === undefined || setting === '' ? DEFAULT_LOG_LEVEL : setting;
  const index = LOG_LEVELS.indexOf(value as LogLevelSetting);
  if (index < 0) {
    throw new ConfigValidationError([`LOG_LEVEL=${JSON.stringify(value)}: must be one of ${LOG_LEVELS.join(', ')}`]);
  }
  return ['fatal', ...LOG_LEVELS.slice(0, index + 1)];
}

/**
 * Nest's own wiring lines at start-up, one per module, controller and route (~60 per app): they bury what a new user
 * of `npm start` should see (where the dashboard is, what runs), so they are debug detail here.
 */
export const NEST_WIRING_CONTEXTS: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Nest's console logger, with its wiring lines (NEST_WIRING_CONTEXTS) at debug level instead of log. */
export class PipelineLogger extends ConsoleLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    // A context Logger passes its context last.
    const context = optionalParams.length > 0 ? optionalParams[optionalParams.length - 1] : this.context;
    if (typeof context === 'string' && NEST_WIRING_CONTEXTS.has(context)) {
      if (this.isLevelEnabled('debug')) super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}

/**
 * Applies LOG_LEVEL (default "log") to every Nest logger of the process, before the app exists, so bootstrap
 * lines and kafkajs' debug-level noise (see @pipeline/kafka kafkaLogCreator) follow it too.
 */
export function applyLogLevel(env: NodeJS.ProcessEnv = process.env): void {
  Logger.overrideLogger(new PipelineLogger({ logLevels: nestLogLevels(env['LOG_LEVEL']) }));
}
