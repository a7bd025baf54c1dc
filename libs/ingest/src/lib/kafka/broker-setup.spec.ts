import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DLQ_MAX_MESSAGE_BYTES, PipelineTopicsConfig } from '@pipeline/kafka';
import { testBrokers, uniqueTopic } from '@pipeline/kafka/testing';
import { LocalFileSystemBackend } from '@pipeline/storage';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerFacts } from './ingest-health';
import { setUpBroker } from './broker-setup';

describe('setUpBroker (real broker)', () => {
  const kafka = new Kafka({ clientId: 'broker-setup-spec', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'broker-setup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the topics, reads the DLQ limit and keeps the topic name for the lake of its first cluster', async () => {
    const config = Object.assign(new PipelineTopicsConfig(), { EVENTS_TOPIC: uniqueTopic('spec.setup'), TOPIC_PARTITIONS: 2 });
    config.DLQ_TOPIC = `${config.EVENTS_TOPIC}.dlq`;
    const lines: string[] = [];
    const logger = { log: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(`warn ${m}`), debug: () => undefined };
    const facts = new BrokerFacts();
    await setUpBroker(kafka, config, new LocalFileSystemBackend(dir), facts, logger);
    expect(facts).toEqual({ maxMessageBytes: DLQ_MAX_MESSAGE_BYTES, storageTopic: config.EVENTS_TOPIC });
    expect(lines).toEqual([`Created topics ${config.EVENTS_TOPIC}, ${config.DLQ_TOPIC}`]);

    const again = new BrokerFacts();
    await setUpBroker(kafka, config, new LocalFileSystemBackend(dir), again, logger);
    expect(again).toEqual(facts);
    expect(lines).toHaveLength(1);
  });
});
