#!/usr/bin/env node
// Runs an app's one-shot CLI from its Nx bundle: `node tools/cli.mjs <name> [args...]` (npm run generate / backfill / compact).
// Rebuilds the bundle first when it is missing or older than a source it is built from. The build's output
// goes to stderr, so stdout stays the CLI's own (`npm run generate -- --dry-run | head` is clean NDJSON).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** name -> the Nx project that builds it and the bundle file it runs. */
const COMMANDS = {
  generator: { project: 'generator', bundle: 'dist/apps/generator/cli.js' },
  backfill: { project: 'processor', bundle: 'dist/apps/processor/backfill.js' },
  // The processor's heap limits: without a cap V8 lets a 100,000-event file grow the process past 750 MB.
  compact: { project: 'processor', bundle: 'dist/apps/processor/compact.js', nodeArgs: ['--max-old-space-size=384', '--max-semi-space-size=32'] },
};

/** Changes to tests do not change a bundle: they must not trigger a rebuild. */
const IGNORED = /\.(spec|test)\.[cm]?[jt]s$/;

function usage() {
  return `Usage: node tools/cli.mjs <${Object.keys(COMMANDS).join('|')}> [args...]`;
}

/** The sources a bundle is built from: the project's own folder (src, webpack and tsconfig files) and every lib's src. */
function sourceRoots(project) {
  const libs = join(ROOT, 'libs');
  const libSources = existsSync(libs)
    ? readdirSync(libs, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(libs, entry.name, 'src'))
    : [];
  const projectRoot = join(ROOT, 'apps', project);
  return [
    join(projectRoot, 'src'),
    join(projectRoot, 'webpack.config.js'),
    join(projectRoot, 'tsconfig.app.json'),
    join(ROOT, 'tsconfig.base.json'),
    ...libSources,
  ];
}

/** True as soon as one file under `path` is newer than `thanMs`; stops walking at the first one. */
function hasNewerFile(path, thanMs) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return false; // a lib without src, a removed file: nothing to compare
  }
  if (stat.isFile()) return !IGNORED.test(path) && stat.mtimeMs > thanMs;
  if (!stat.isDirectory()) return false;
  return readdirSync(path).some((name) => name !== 'node_modules' && hasNewerFile(join(path, name), thanMs));
}

function isStale(command) {
  const bundle = join(ROOT, command.bundle);
  if (!existsSync(bundle)) return true;
  const builtAt = statSync(bundle).mtimeMs;
  return sourceRoots(command.project).some((root) => hasNewerFile(root, builtAt));
}

function build(project, bundle) {
  process.stderr.write(`Building ${project} (sources changed since the last build)...\n`);
  const startedAt = new Date();
  const result = spawnSync('npx', ['nx', 'build', project, '--outputStyle=static'], {
    cwd: ROOT,
    // The build's stdout goes to our stderr: stdout belongs to the CLI's data.
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (result.error) throw result.error;
  // Nx leaves an unchanged bundle untouched (cache hit): stamp it, or every run would rebuild. The build's
  // start time, not its end, so a source saved during the build still triggers the next one.
  if (result.status === 0 && existsSync(bundle)) utimesSync(bundle, startedAt, startedAt);
  return result.status ?? 1;
}

function main() {
  const [name, ...args] = process.argv.slice(2);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name ? `unknown command "${name}"\n` : ''}${usage()}\n`);
    process.exit(2);
  }
  const bundle = join(ROOT, command.bundle);
  if (isStale(command)) {
    const status = build(command.project, bundle);
    if (status !== 0) {
      process.stderr.write(`nx build ${command.project} failed (exit ${status})\n`);
      process.exit(status);
    }
  }
  if (!existsSync(bundle)) {
    process.stderr.write(`${command.bundle} was not produced by \`nx build ${command.project}\`: does the project define that entry?\n`);
    process.exit(1);
  }

  const child = spawn(process.execPath, [...(command.nodeArgs ?? []), bundle, ...args], { cwd: ROOT, stdio: 'inherit' });
  // A signal sent to this process alone (kill <pid>) must reach the CLI so it can flush and report. When the
  // terminal signals the whole group, the CLI gets it twice; it treats copies within a second as one.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`cannot run ${command.bundle}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}

main();
