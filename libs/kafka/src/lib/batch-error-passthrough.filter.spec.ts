import { KafkaJSProtocolError } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { BatchErrorPassthroughFilter } from './batch-error-passthrough.filter';

describe('BatchErrorPassthroughFilter', () => {
  it('rethrows the very error, so kafkajs still recognises a rebalance', async () => {
    // kafkajs builds its protocol errors from the broker's error code table entry.
    const entry = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false });
    const rebalancing = new KafkaJSProtocolError(entry);
    const thrown = await lastValueFrom(new BatchErrorPassthroughFilter().catch(rebalancing)).catch((e: unknown) => e);
    expect(thrown).toBe(rebalancing);
    expect((thrown as { type: string }).type).toBe('REBALANCE_IN_PROGRESS');
  });
});
