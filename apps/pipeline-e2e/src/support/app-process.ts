import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');

export type AppName = 'generator' | 'processor' | 'reporter';

/**
 * One app running as its own process from its Nx build (`dist/apps/<name>/main.js`), as in production:
 * signals, exit codes and `kill -9` are real.
 */
export class AppProcess {
  private child: ChildProcess | null = null;
  private output: string[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);

  /** `cwd`: the process's working folder (default: the workspace root), e.g. one of its own to stand for a machine. */
  constructor(
    readonly name: AppName,
    private readonly env: Record<string, string>,
    private readonly cwd = WORKSPACE_ROOT,
  ) {}

  start(): this {
    const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', this.name, 'main.js')], {
      cwd: this.cwd,
      env: { ...process.env, NODE_ENV: 'production', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
    return this;
  }

  get logs(): string {
    return this.output.join('');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves with the exit code once the process ends by itself (a one-shot run). */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    this.child = null;
    return code;
  }

  /** A crash: no shutdown hooks, no flush, no commit. */
  kill9(): Promise<number | null> {
    return this.stop('SIGKILL');
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, body: body as T };
}

export async function waitForHealthy(app: AppProcess, port: number, timeoutMs = 60_000): Promise<void> {
  try {
    await waitFor(`${app.name} /health`, async () => (await getJson(`http://127.0.0.1:${port}/health`)).status === 200, {
      timeoutMs,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- ${app.name} output ---\n${app.logs}`);
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
