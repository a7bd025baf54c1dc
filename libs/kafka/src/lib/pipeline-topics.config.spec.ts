import { loadConfig } from '@pipeline/platform';
import { IsInt } from 'class-validator';
import { PipelineTopicsConfig } from './pipeline-topics.config';

describe('loadConfig with a shared base class', () => {
  it('reads and validates the inherited Kafka settings too', () => {
    class AppConfig extends PipelineTopicsConfig {
      @IsInt()
      APP_PORT = 1;
    }
    const config = loadConfig(AppConfig, { KAFKA_BROKERS: 'a:1, b:2', TOPIC_PARTITIONS: '6' });
    expect(config.brokers).toEqual(['a:1', 'b:2']);
    expect(config.TOPIC_PARTITIONS).toBe(6);
    expect(() => loadConfig(AppConfig, { TOPIC_PARTITIONS: '0' })).toThrow(/TOPIC_PARTITIONS="0"/);
  });
});
