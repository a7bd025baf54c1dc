/**
 * The one-shot generator CLI (`npm run generate -- --count 100000 --seed 42`), bundled as dist/apps/generator/cli.js.
 * Everything testable lives in ./cli/generator-cli; this file only wires the process: argv, streams, signals, exit.
 */
import { exitCodeForSignal, runGeneratorCli } from './cli/generator-cli';

/**
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group (npm, tools/cli.mjs and
 * this process) and npm and tools/cli.mjs forward it too. Copies within this window are the same request;
 * a signal after it means "stop now".
 */
const SAME_INTERRUPT_WINDOW_MS = 1_000;
/** Grace for handles still open after the run (sockets closing) before the exit is forced. */
const EXIT_GRACE_MS = 3_000;

const interrupt = new AbortController();
let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (!interrupt.signal.aborted) {
    firstSignalAt = now;
    interrupt.abort(signal);
    return;
  }
  if (now - firstSignalAt >= SAME_INTERRUPT_WINDOW_MS) {
    process.stderr.write(`${signal} again: exiting without waiting for the batch in flight\n`);
    process.exit(exitCodeForSignal(signal));
  }
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runGeneratorCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, { interrupt: interrupt.signal })
  .then(
    (code) => code,
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      return 1;
    },
  )
  .then((code) => {
    // Exit naturally so stdout is flushed to a pipe; the unref'd timer only fires if a handle lingers.
    process.exitCode = code;
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  });
