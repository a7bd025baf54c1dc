import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', '..', 'tools', 'kafka', 'kafka.sh');
const JARS = join(__dirname, '..', '..', '..', '..', '.kafka', 'libs');

/**
 * A broker of the test's own (port, data, logs), for tests that stop and start Kafka: stopping the shared
 * test broker would break the other tests. Uses the same jars and script as everything else.
 */
export class PrivateBroker {
  private readonly home = mkdtempSync(join(tmpdir(), 'private-kafka-'));

  constructor(readonly port: number) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private env() {
    return { ...process.env, KAFKA_PORT: String(this.port), KAFKA_HOME_DIR: this.home, KAFKA_LIBS_DIR: JARS, KAFKA_HEAP: '-Xms128m -Xmx384m' };
  }

  async start(): Promise<void> {
    await run('bash', [KAFKA_SH, 'start'], { env: this.env(), timeout: 120_000 });
  }

  async stop(): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env(), timeout: 60_000 });
  }

  /** Deletes the broker's data (topics, offsets, cluster id) as a lost volume would; the broker must be stopped. */
  wipeData(): void {
    rmSync(join(this.home, `data-${this.port}`), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}
