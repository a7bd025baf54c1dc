import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import { DEFAULT_EVENTS_TOPIC } from '@pipeline/kafka/client';
import { ClickstreamSimulation, GeneratorRunner, monotonicNow, RatePacer, resumeStream, runLocator, type MessageSource, type RunLocator, type StoredRun } from '@pipeline/simulation';
import { generatorRunId, parseGeneratorArgs, simulationOptionsFromArgs, usage, type GeneratorArgs } from './generator-args';
import { DEFAULT_BROKERS, DEFAULT_PARTITIONS, kafkaSinkSettingsFromEnv, type KafkaSinkSettings } from './kafka-settings';
import type { MessageSink } from './message-sink';
import { NdjsonSink } from './ndjson-sink';
import { formatSummary, ProgressReporter } from './progress';

export const PROGRAM_NAME = 'npm run generate --';

/** The library's usage text knows the flags; where Kafka is comes from the environment, like the app. */
export function cliUsage(): string {
  return [
    usage(PROGRAM_NAME),
    '',
    'Environment (without --dry-run):',
    `  KAFKA_BROKERS        host:port[,host:port...] (default ${DEFAULT_BROKERS})`,
    `  EVENTS_TOPIC         topic to produce to (default ${DEFAULT_EVENTS_TOPIC}); created if missing`,
    `  TOPIC_PARTITIONS     partitions when the topic is created (default ${DEFAULT_PARTITIONS})`,
    `  GENERATOR_BATCH_SIZE messages per produce request, at most 900 KiB of them (default ${KAFKA_BATCH_SIZE}; ${DRY_RUN_BATCH_SIZE} per write with --dry-run)`,
    '',
    'Progress and the final summary go to stderr; with --dry-run stdout carries only NDJSON.',
  ].join('\n');
}

/** Exit codes: 2 = bad usage (like getopt tools), 128 + n = ended by signal n (like a shell). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Messages per stdout write and per Kafka produce request. Larger Kafka batches amortise the acks=all round
 * trip (one request in flight, for idempotence); stdout gains nothing beyond a few hundred lines.
 */
export const DRY_RUN_BATCH_SIZE = 500;
export const KAFKA_BATCH_SIZE = 1_000;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

export interface CliOptions {
  /** Aborted on SIGINT/SIGTERM; the abort reason is the signal name. */
  interrupt?: AbortSignal;
  /** Opens the Kafka sink; replaceable so the argument handling can be tested without a broker. */
  connectKafka?: (settings: KafkaSinkSettings) => Promise<MessageSink>;
  /** Reads what the topic holds of a run (`--resume`); replaceable like connectKafka. */
  readStoredRun?: (settings: KafkaSinkSettings, locate: RunLocator, log: (line: string) => void) => Promise<StoredRun>;
  /** Milliseconds, for elapsed time and rates. */
  clock?: () => number;
  progressIntervalMs?: number;
}

/**
 * The generator CLI minus the process: parses `argv`, runs the simulation into stdout (`--dry-run`) or Kafka,
 * and resolves with the exit code. Progress and the summary go to stderr, so stdout carries only data.
 */
export async function runGeneratorCli(argv: readonly string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  const print = (stream: Writable, text: string) => stream.write(`${text}\n`);
  let args: GeneratorArgs;
  let simulation: ClickstreamSimulation;
  try {
    args = parseGeneratorArgs(argv);
    if (args.help) {
      print(io.stdout, cliUsage());
      return EXIT_OK;
    }
    if (args.seed === undefined) {
      // A fresh stream per run, so two runs never repeat event ids; said on stderr so the run can be repeated.
      args = { ...args, seed: Math.floor(Math.random() * 2 ** 31) };
      print(io.stderr, `seed ${args.seed} (--seed ${args.seed} repeats this stream)`);
    }
    simulation = new ClickstreamSimulation(simulationOptionsFromArgs(args));
  } catch (error) {
    print(io.stderr, `error: ${(error as Error).message}\n\n${cliUsage()}`);
    return EXIT_USAGE;
  }

  const clock = options.clock ?? monotonicNow;
  const interrupt = options.interrupt;
  let brokenPipe = false;
  let runner: GeneratorRunner | null = null;
  let sink: MessageSink;
  let source: MessageSource = simulation;
  let count = args.count;
  if (args.dryRun) {
    sink = new NdjsonSink(io.stdout, () => {
      brokenPipe = true;
      void runner?.stop();
    });
  } else {
    let settings: KafkaSinkSettings;
    try {
      settings = kafkaSinkSettingsFromEnv(io.env);
    } catch (error) {
      print(io.stderr, `error: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    try {
      print(io.stderr, `producing to ${settings.topic} on ${settings.brokers.join(',')}`);
      sink = await (options.connectKafka ?? connectKafkaSink)(settings);
    } catch (error) {
      print(
        io.stderr,
        `error: cannot reach Kafka at ${settings.brokers.join(',')}: ${(error as Error).message} ` +
          '(start the local broker with `npm run kafka start`, point KAFKA_BROKERS at one, or use --dry-run)',
      );
      return EXIT_FAILED;
    }
    if (args.resume && args.count !== undefined) {
      try {
        // The run's messages carry nothing but the events: they are found in the topic by regenerating the stream.
        const streamOptions = simulationOptionsFromArgs(args);
        const locate = runLocator(() => new ClickstreamSimulation(streamOptions), args.count);
        const stored = await (options.readStoredRun ?? readStoredRunOnKafka)(settings, locate, (line) => print(io.stderr, line));
        const resumed = resumeStream(simulation, stored, args.count);
        ({ source, remaining: count } = resumed);
        print(io.stderr, `resume: ${resumed.skipped} of ${args.count} messages of run ${generatorRunId(args)} are in ${settings.topic} already; sending the other ${resumed.remaining}`);
      } catch (error) {
        print(io.stderr, `error: cannot read what ${settings.topic} holds of this run: ${(error as Error).message}`);
        await sink.close().catch(() => undefined);
        return EXIT_FAILED;
      }
    }
  }

  let batchSize: number;
  try {
    batchSize = batchSizeFromEnv(io.env, args.dryRun ? DRY_RUN_BATCH_SIZE : KAFKA_BATCH_SIZE);
  } catch (error) {
    print(io.stderr, `error: ${(error as Error).message}`);
    await sink.close().catch(() => undefined);
    return EXIT_USAGE;
  }
  let lastErrorPrintedAt = Number.NEGATIVE_INFINITY;
  const activeRunner = new GeneratorRunner({
    source,
    pacer: new RatePacer(args.rate),
    publish: (batch) => sink.publish(batch),
    count,
    durationMs: args.durationMs,
    maxBatchSize: batchSize,
    onPublishError: (error) => {
      // The runner backs off and retries; one line a second is enough to see a broker is down.
      const now = clock();
      if (now - lastErrorPrintedAt < 1_000) return;
      lastErrorPrintedAt = now;
      print(io.stderr, `publish failed, backing off: ${(error as Error).message}`);
    },
  });
  runner = activeRunner;

  const onInterrupt = () => {
    print(io.stderr, `${String(interrupt?.reason)}: stopping after the batch in flight and the one made during it, if any (press Ctrl-C again to force)`);
    void activeRunner.stop();
  };
  interrupt?.addEventListener('abort', onInterrupt, { once: true });
  const progress = new ProgressReporter(
    () => activeRunner.stats().produced,
    (line) => {
      if (!brokenPipe) print(io.stderr, line);
    },
    { count, durationMs: args.durationMs },
    clock,
    options.progressIntervalMs,
  );

  const startedAt = clock();
  try {
    if (!interrupt?.aborted) {
      progress.start();
      await activeRunner.start();
    }
  } finally {
    progress.stop();
    interrupt?.removeEventListener('abort', onInterrupt);
    await sink.close().catch((error: unknown) => print(io.stderr, `error while closing: ${(error as Error).message}`));
  }

  // `| head` got its lines and left: that is success, and nobody wants a summary.
  if (brokenPipe) return EXIT_OK;
  const stats = activeRunner.stats();
  print(io.stderr, formatSummary(stats, clock() - startedAt));
  if (interrupt?.aborted) return exitCodeForSignal(String(interrupt.reason));
  return stats.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/**
 * Loads the Kafka sink on first use: kafkajs and what @pipeline/kafka brings along (Nest microservices, rxjs)
 * take ~0.35 CPU s to load, which a dry run does not need.
 */
async function connectKafkaSink(settings: KafkaSinkSettings): Promise<MessageSink> {
  const { KafkaSink } = await import('./kafka-sink');
  return KafkaSink.connect(settings);
}

async function readStoredRunOnKafka(settings: KafkaSinkSettings, locate: RunLocator, log: (line: string) => void): Promise<StoredRun> {
  const { readStoredRun } = await import('./stored-run-reader');
  return readStoredRun(settings, locate, log);
}

/** GENERATOR_BATCH_SIZE, as in the app: messages per produce request (or per stdout write). */
export function batchSizeFromEnv(env: Record<string, string | undefined>, fallback: number): number {
  const text = env['GENERATOR_BATCH_SIZE'];
  if (!text) return fallback;
  const size = Number(text);
  if (!Number.isSafeInteger(size) || size < 1 || size > 100_000) {
    throw new Error(`GENERATOR_BATCH_SIZE: expected an integer from 1 to 100000, got "${text}"`);
  }
  return size;
}

/** 128 + the signal's number, as a shell reports a process ended by that signal (SIGINT: 130, SIGTERM: 143). */
export function exitCodeForSignal(signal: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return number === undefined ? EXIT_FAILED : 128 + number;
}
