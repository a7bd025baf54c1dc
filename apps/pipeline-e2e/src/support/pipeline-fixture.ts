import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { testBrokers, uniqueTopic } from '@pipeline/kafka/testing';
import { createStorageBackend, listVisibleEventFilesInRange, readEventRows, S3StorageBackend, type StorageBackend } from '@pipeline/storage';
import { downloadS3Prefix, testS3Server, uniqueTestS3Url } from '@pipeline/storage/testing';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { AppProcess, freePort, waitForHealthy, type AppName } from './app-process';

/**
 * Where a pipeline test's lake lives. `file`: a temp folder. `s3`: a prefix of its own on the real local S3 server
 * (`npm test` starts it: TEST_S3_URL, S3_ENDPOINT and its keys), and every app process stands for a machine of its
 * own: its own working folder and TMPDIR, nothing shared but Kafka and the bucket.
 */
export type LakeStorage = 'file' | 's3';

/**
 * A fresh, isolated pipeline for one test: its own topics, consumer group and lake (a data folder, or an S3 prefix)
 * on the real broker, and the apps as real processes.
 */
export class PipelineFixture {
  readonly brokers = testBrokers();
  readonly topic = uniqueTopic('e2e.events');
  readonly dlqTopic = `${this.topic}.dlq`;
  readonly group = `${this.topic}.processor`;
  /** A scratch folder of the test's own; with `file` storage also the lake. */
  readonly dataDir = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
  readonly storageUrl: string;
  readonly backend: StorageBackend;
  readonly kafka = new Kafka({ clientId: 'e2e', brokers: this.brokers, logLevel: logLevel.NOTHING });
  private readonly apps: AppProcess[] = [];
  private readonly workDirs: string[] = [];

  constructor(readonly storage: LakeStorage = 'file') {
    this.storageUrl = storage === 's3' ? uniqueTestS3Url('e2e') : `file://${this.dataDir}`;
    this.backend = createStorageBackend({ STORAGE_URL: this.storageUrl, S3_ENDPOINT: storage === 's3' ? testS3Server().endpoint : undefined });
  }

  baseEnv(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      EVENTS_TOPIC: this.topic,
      DLQ_TOPIC: this.dlqTopic,
      CONSUMER_GROUP: this.group,
      STORAGE_URL: this.storageUrl,
      ...(this.storage === 's3' ? { S3_ENDPOINT: testS3Server().endpoint } : {}),
    };
  }

  /** With `s3` storage, a fresh working folder (also its TMPDIR) for one app process: no local disk is shared. */
  private ownMachine(): { cwd?: string; env: Record<string, string> } {
    if (this.storage !== 's3') return { env: {} };
    const cwd = mkdtempSync(join(tmpdir(), 'pipeline-e2e-machine-'));
    this.workDirs.push(cwd);
    return { cwd, env: { TMPDIR: cwd } };
  }

  /** Every file the app processes left in their own working folders (`s3` storage), as `<folder>/<path>`. */
  localFiles(): string[] {
    return this.workDirs.flatMap((dir) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => !entry.isDirectory())
        .map((entry) => relative(tmpdir(), join(entry.parentPath, entry.name))),
    );
  }

  /**
   * The lake's `events/` folder on local disk for an independent reader (DuckDB): the lake itself with `file`
   * storage; with `s3` a copy fetched with a plain S3 client (not the code under test's backend).
   */
  async eventsOnDisk(): Promise<string> {
    if (this.storage === 'file') return this.dataDir;
    const into = mkdtempSync(join(this.dataDir, 'fetched-'));
    await downloadS3Prefix(this.storageUrl, 'events/', into);
    return into;
  }

  async startApp(name: AppName, env: Record<string, string> = {}): Promise<{ app: AppProcess; port: number }> {
    const port = await freePort();
    const portVar = `${name.toUpperCase()}_PORT`;
    const machine = this.ownMachine();
    const app = new AppProcess(name, { ...this.baseEnv(), ...machine.env, [portVar]: String(port), ...env }, machine.cwd).start();
    this.apps.push(app);
    await waitForHealthy(app, port);
    return { app, port };
  }

  /** Runs a one-shot generator (GENERATOR_EXIT_WHEN_DONE) to completion. */
  async generate(env: Record<string, string>): Promise<void> {
    const machine = this.ownMachine();
    const app = new AppProcess(
      'generator',
      {
        ...this.baseEnv(),
        ...machine.env,
        GENERATOR_PORT: String(await freePort()),
        GENERATOR_RATE: 'max',
        GENERATOR_EXIT_WHEN_DONE: 'true',
        ...env,
      },
      machine.cwd,
    ).start();
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
    if (this.backend instanceof S3StorageBackend) this.backend.destroy();
    for (const dir of [this.dataDir, ...this.workDirs]) rmSync(dir, { recursive: true, force: true });
  }
}
