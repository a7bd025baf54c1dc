import { loadConfig } from '@pipeline/platform';
import { BatchConsumerConfig, batchConsumerOptions } from './batch-consumer.config';

describe('BatchConsumerConfig', () => {
  it('reads the group settings from the environment and refuses a session timeout below the broker floor', () => {
    const config = loadConfig(BatchConsumerConfig, { CONSUMER_GROUP: 'g', KAFKA_SESSION_TIMEOUT_MS: '20000', BATCH_MAX_MS: '700' });
    expect(config.CONSUMER_GROUP).toBe('g');
    expect(config.consumerInactivityMs).toBe(20_700);
    expect(() => loadConfig(BatchConsumerConfig, { KAFKA_SESSION_TIMEOUT_MS: '1000' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS/);
  });

  it('builds consumer options whose heartbeat fits three times in the session, one partition at a time by default', () => {
    const config = loadConfig(BatchConsumerConfig, { KAFKA_BROKERS: 'a:1,b:2', TOPIC_PARTITIONS: '4', KAFKA_HEARTBEAT_INTERVAL_MS: '5000' });
    const options = batchConsumerOptions(config, 'processor');
    expect(options.client).toMatchObject({ clientId: 'processor', brokers: ['a:1', 'b:2'] });
    expect(options.consumer).toMatchObject({
      groupId: 'processor',
      maxWaitTimeInMs: 500,
      maxBytes: 4 * 4 * 1024 * 1024,
      sessionTimeout: 6_000,
      heartbeatInterval: 2_000,
      rebalanceTimeout: 10_000,
    });
    expect(options.run).toEqual({ partitionsConsumedConcurrently: 1 });
    expect(options.producer).toMatchObject({ idempotent: true });
  });

  it('takes the partitions handled at once from PARTITIONS_CONSUMED_CONCURRENTLY and refuses 0', () => {
    const config = loadConfig(BatchConsumerConfig, { PARTITIONS_CONSUMED_CONCURRENTLY: '3' });
    expect(batchConsumerOptions(config, 'processor').run).toEqual({ partitionsConsumedConcurrently: 3 });
    expect(() => loadConfig(BatchConsumerConfig, { PARTITIONS_CONSUMED_CONCURRENTLY: '0' })).toThrow(/PARTITIONS_CONSUMED_CONCURRENTLY/);
  });
});
