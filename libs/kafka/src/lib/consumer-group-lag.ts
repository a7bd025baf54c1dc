import type { Admin } from 'kafkajs';
import { fetchGroupProgress, type CommitProgress, type PartitionProgress } from './consumer-progress';

export interface ConsumerGroupLagOptions {
  /** An admin client of its own (few retries: a poll that fails is simply tried again at the next interval). */
  admin: Admin;
  groupId: string;
  topic: string;
  /** Told every sample: the stall check keeps moving when nothing is consumed. */
  progress: CommitProgress;
  /** Each successful poll's samples (e.g. for metrics). */
  onSamples?: (samples: readonly PartitionProgress[]) => void;
  logger: { warn(message: string): void; debug(message: string): void };
}

/**
 * Reads a consumer group's real lag from the broker at an interval: the lag metric and the stall check keep moving
 * when nothing is consumed (a stopped consumer used to leave its last lag, often 0). Started once the group's topics
 * exist; until its first successful read, failures (a group not formed yet, a coordinator still loading) are only
 * debug lines, after that each new kind of failure is a warning.
 */
export class ConsumerGroupLag {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private connected = false;
  private everRead = false;
  private lastError: string | null = null;

  constructor(private readonly options: ConsumerGroupLagOptions) {}

  /** Connects and polls at once, then every `intervalMs` after the previous poll ended, until stop(). */
  start(intervalMs: number): void {
    this.running = true;
    const loop = async (): Promise<void> => {
      await this.poll();
      if (!this.running) return this.disconnect();
      this.timer = setTimeout(() => void loop(), intervalMs);
      this.timer.unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.disconnect();
  }

  /** One reading; null when it failed (reported as described above, the admin client reconnects next time). */
  async poll(): Promise<readonly PartitionProgress[] | null> {
    const { admin, groupId, topic, progress, logger } = this.options;
    try {
      if (!this.connected) {
        await admin.connect();
        this.connected = true;
      }
      const samples = await fetchGroupProgress(admin, groupId, topic);
      progress.observe(samples);
      this.options.onSamples?.(samples);
      this.everRead = true;
      this.lastError = null;
      return samples;
    } catch (error) {
      const message = (error as Error).message;
      if (!this.everRead) logger.debug(`Cannot read the group's lag yet: ${message}`);
      else if (message !== this.lastError) logger.warn(`Cannot read the group's lag: ${message}`);
      this.lastError = message;
      await this.disconnect();
      return null;
    }
  }

  private async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.options.admin.disconnect().catch(() => undefined);
  }
}
