import { Logger } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

/** Where a kafkajs log line goes, by Nest log level. */
export type KafkaLogLevel = 'error' | 'warn' | 'log' | 'debug';
export type KafkaLogSink = (level: KafkaLogLevel, line: string) => void;

/**
 * Errors kafkajs logs at ERROR during an ordinary start-up or rebalance and then handles itself by retrying:
 * the group coordinator still loading the offsets topic, a rebalance in progress, a fresh topic whose
 * partitions have no leader yet. Matched on the message and on the broker's error text.
 */
const HARMLESS = [
  /coordinator is loading/i,
  /group coordinator is not available/i,
  /group is rebalancing/i,
  /no leader for this topic-partition/i,
  /LEADER_NOT_AVAILABLE/,
  /not the correct coordinator/i,
];

/** A broker that cannot be reached: kafkajs logs one line per attempt and per retry, all at ERROR. */
const UNREACHABLE = [/Connection error:/, /Connection timeout/, /Failed to connect to seed broker/, /Failed to connect to broker/, /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH/];

export type KafkaLogKind = 'harmless' | 'unreachable' | 'other';

export function classifyKafkaLog(entry: Pick<LogEntry, 'log'>): KafkaLogKind {
  const text = `${entry.log.message} ${typeof entry.log['error'] === 'string' ? entry.log['error'] : ''}`;
  if (HARMLESS.some((pattern) => pattern.test(text))) return 'harmless';
  if (UNREACHABLE.some((pattern) => pattern.test(text))) return 'unreachable';
  return 'other';
}

/** One readable line: the message plus the few fields that say where (no stacks, no JSON blob). */
export function formatKafkaLog(entry: Pick<LogEntry, 'namespace' | 'log'>): string {
  const { log } = entry;
  const details: string[] = [];
  for (const key of ['broker', 'groupId', 'topic', 'partition', 'error', 'retryCount'] as const) {
    const value = log[key];
    if (value !== undefined && value !== null && value !== '') details.push(`${key}=${String(value)}`);
  }
  const namespace = entry.namespace ? `[${entry.namespace}] ` : '';
  return `${namespace}${log.message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

export interface KafkaLogCreatorOptions {
  /** Default: the Nest Logger with context "Kafka". */
  sink?: KafkaLogSink;
  /** An unreachable broker is reported at warn at most this often; the repeats go to debug. Default 60 s. */
  unreachableEveryMs?: number;
  now?: () => number;
}

/**
 * A kafkajs logCreator for every client of the project: one plain line per entry through the Nest logger
 * (not kafkajs' JSON), known-harmless start-up noise at debug, and a broker that cannot be reached reported
 * once a minute at warn instead of once per retry at ERROR (the app's own health check and log say what
 * that means for it).
 */
export function kafkaLogCreator(options: KafkaLogCreatorOptions = {}): logCreator {
  const logger = new Logger('Kafka');
  const sink: KafkaLogSink = options.sink ?? ((level, line) => logger[level](line));
  const everyMs = options.unreachableEveryMs ?? 60_000;
  const now = options.now ?? Date.now;
  return () => {
    let lastUnreachableAt = Number.NEGATIVE_INFINITY;
    return (entry) => {
      const kind = classifyKafkaLog(entry);
      const line = formatKafkaLog(entry);
      if (kind === 'harmless') return sink('debug', line);
      if (kind === 'unreachable') {
        const at = now();
        if (at - lastUnreachableAt < everyMs) return sink('debug', line);
        lastUnreachableAt = at;
        return sink('warn', line);
      }
      sink(nestLevel(entry.level), line);
    };
  };
}

function nestLevel(level: logLevel): KafkaLogLevel {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'log';
    default:
      return 'debug';
  }
}
