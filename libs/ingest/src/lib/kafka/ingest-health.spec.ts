import { BatchConsumerConfig } from '@pipeline/kafka';
import { IngestHealth } from './ingest-health';

describe('IngestHealth', () => {
  it('checks the consumer, the last storage write and commit progress, with the configured limits', async () => {
    const config = Object.assign(new BatchConsumerConfig(), { STALL_TIMEOUT_MS: 30_000, CONSUMER_MAX_RESTARTS: 2 });
    const health = new IngestHealth(config);
    expect(health.readinessChecks.map((c) => c.name)).toEqual(['consumer', 'storage', 'progress']);
    expect(health.progress.stallTimeoutMs).toBe(30_000);
    expect(health.readinessChecks[0].check()).toMatchObject({ up: false, details: { state: 'starting' } });
    health.storage.failed(Object.assign(new Error('disk'), { code: 'ENOSPC' }));
    expect(await health.readinessChecks[1].check()).toMatchObject({ up: false });
  });
});
