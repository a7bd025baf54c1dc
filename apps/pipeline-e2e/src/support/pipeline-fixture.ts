import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBrokers, uniqueTopic } from '@pipeline/kafka/testing';
import { createStorageBackend, listVisibleEventFilesInRange, readEventRows } from '@pipeline/storage';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { AppProcess, freePort, waitForHealthy, type AppName } from './app-process';

/**
 * A fresh, isolated pipeline for one test: its own topics, consumer group and data folder on the real broker,
 * and the apps as real processes.
 */
export class PipelineFixture {
  readonly brokers = testBrokers();
  readonly topic = uniqueTopic('e2e.events');
  readonly dlqTopic = `${this.topic}.dlq`;
  readonly group = `${this.topic}.processor`;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
  readonly storageUrl = `file://${this.dataDir}`;
  readonly backend = createStorageBackend(this.storageUrl);
  readonly kafka = new Kafka({ clientId: 'e2e', brokers: this.brokers, logLevel: logLevel.NOTHING });
  private readonly apps: AppProcess[] = [];

  baseEnv(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      EVENTS_TOPIC: this.topic,
      DLQ_TOPIC: this.dlqTopic,
      CONSUMER_GROUP: this.group,
      STORAGE_URL: this.storageUrl,
    };
  }

  async startApp(name: AppName, env: Record<string, string> = {}): Promise<{ app: AppProcess; port: number }> {
    const port = await freePort();
    const portVar = `${name.toUpperCase()}_PORT`;
    const app = new AppProcess(name, { ...this.baseEnv(), [portVar]: String(port), ...env }).start();
    this.apps.push(app);
    await waitForHealthy(app, port);
    return { app, port };
  }

  /** Runs a one-shot generator (GENERATOR_EXIT_WHEN_DONE) to completion. */
  async generate(env: Record<string, string>): Promise<void> {
    const app = new AppProcess('generator', {
      ...this.baseEnv(),
      GENERATOR_PORT: String(await freePort()),
      GENERATOR_RATE: 'max',
      GENERATOR_EXIT_WHEN_DONE: 'true',
      ...env,
    }).start();
    this.apps.push(app);
    const code = await app.waitForExit();
    if (code !== 0) throw new Error(`generator exited with ${code}\n${app.logs}`);
  }

  /** Every value of `event_id` in the stored Parquet files a reader sees (compaction-visibility), duplicates included. */
  async storedEventIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const key of await listVisibleEventFilesInRange(this.backend)) {
      for await (const row of readEventRows(this.backend, key)) ids.push(String(row['event_id']));
    }
    return ids;
  }

  /** Reads a topic from the beginning until `expected` messages arrived. */
  async readTopic(topic: string, expected: number, timeoutMs = 60_000): Promise<KafkaMessage[]> {
    return (await this.readTopicWithPartitions(topic, expected, timeoutMs)).map((m) => m.message);
  }

  async readTopicWithPartitions(topic: string, expected: number, timeoutMs = 60_000): Promise<{ partition: number; message: KafkaMessage }[]> {
    const consumer = this.kafka.consumer({ groupId: uniqueTopic('e2e-reader') });
    const messages: { partition: number; message: KafkaMessage }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`read ${messages.length}/${expected} messages of ${topic} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            messages.push({ partition, message });
            if (messages.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }

  /** Output of every app process this fixture started (bounded per process). */
  logs(name?: AppName): string {
    return this.apps
      .filter((a) => !name || a.name === name)
      .map((a) => a.logs)
      .join('\n');
  }

  async topicOffsets(topic: string) {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
