import { logLevel } from 'kafkajs';
import { kafkaClientConfig, quietKafkaClientConfig } from './kafka-client-options';

describe('quietKafkaClientConfig', () => {
  it('is the shared client with few retries and no kafkajs lines', () => {
    const quiet = quietKafkaClientConfig('admin', ['a:1']);
    expect(quiet).toMatchObject({ clientId: 'admin', brokers: ['a:1'], retry: { initialRetryTime: 300, retries: 2 }, logLevel: logLevel.NOTHING });
    expect(quiet.connectionTimeout).toBe(kafkaClientConfig('admin', ['a:1']).connectionTimeout);
  });
});
