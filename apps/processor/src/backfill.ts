import { runBackfillCommand } from '@pipeline/ingest';

// The command lives in libs/ingest; this entry point only binds it to the process.
runBackfillCommand(process.argv.slice(2), process.env, process).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backfill failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
