import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { fetchGroupProgress, kafkaClientConfig } from '@pipeline/kafka';
import { Kafka, type Admin } from 'kafkajs';
import { ProcessorConfig, ProcessorHealth } from '../processor.config';
import { ProcessorMetrics } from './processor.metrics';

/**
 * Reads the group's real lag from the broker every LAG_POLL_MS: the metric and the stall check keep moving when
 * nothing is consumed (a stopped consumer used to leave `processor_consumer_lag` at its last value, often 0).
 */
@Injectable()
export class ConsumerLagService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerLagService.name);
  private readonly admin: Admin;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  private lastError: string | null = null;

  constructor(
    private readonly config: ProcessorConfig,
    private readonly health: ProcessorHealth,
    private readonly metrics: ProcessorMetrics,
  ) {
    this.admin = new Kafka({ ...kafkaClientConfig('processor-lag', config.brokers), retry: { retries: 0 } }).admin();
  }

  onModuleInit(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        if (this.timer) this.schedule();
      });
    }, this.config.LAG_POLL_MS);
    this.timer.unref();
  }

  async poll(): Promise<void> {
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      const samples = await fetchGroupProgress(this.admin, this.config.CONSUMER_GROUP, this.config.EVENTS_TOPIC);
      this.health.progress.observe(samples);
      for (const sample of samples) {
        const labels = { topic: sample.topic, partition: String(sample.partition) };
        this.metrics.lag.set(labels, sample.lag);
        if (sample.committed !== null) this.metrics.committedOffset.set(labels, Number(sample.committed));
      }
      const lastCommit = this.health.progress.lastCommitAtMs;
      if (lastCommit !== null) this.metrics.lastCommitTimestamp.set(lastCommit / 1000);
      this.lastError = null;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastError) this.logger.warn(`Cannot read the group's lag: ${message}`);
      this.lastError = message;
      await this.admin.disconnect().catch(() => undefined);
      this.connected = false;
    }
  }
}
