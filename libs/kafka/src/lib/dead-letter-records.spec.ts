import type { Message } from 'kafkajs';
import { DLQ_FIT_HEADERS, encodableHeaders, fitRecord, recordBytes, sendDeadLetterRecords, splitBySize } from './dead-letter-records';

const dlqHeaders = { 'dlq-reason': 'schema_violation', 'dlq-source-offset': '42' };

describe('encodableHeaders', () => {
  it('keeps strings and Buffers, drops null and undefined values and names them', () => {
    const headers = encodableHeaders({
      a: 'x',
      b: Buffer.from('y'),
      nul: null as unknown as string,
      undef: undefined,
      list: [Buffer.from('1'), null as unknown as Buffer, '2'],
      num: 5 as unknown as string,
    });
    expect(headers).toEqual({ a: 'x', b: Buffer.from('y'), list: [Buffer.from('1'), '2'], [DLQ_FIT_HEADERS.droppedHeaders]: 'nul,undef,list,num' });
  });

  it('adds nothing to clean headers', () => {
    expect(encodableHeaders({ a: 'x' })).toEqual({ a: 'x' });
    expect(encodableHeaders(undefined)).toEqual({});
  });
});

describe('fitRecord', () => {
  it('leaves a record that fits untouched', () => {
    const message: Message = { key: 'k', value: Buffer.alloc(1000), headers: { ...dlqHeaders } };
    expect(fitRecord(message, 10_000)).toBe(message);
  });

  it('cuts the value of a record over the limit and says so, with the original size', () => {
    const message: Message = { key: 'k', value: Buffer.alloc(50_000, 1), headers: { ...dlqHeaders, original: 'h' } };
    const fitted = fitRecord(message, 10_000);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(10_000);
    expect((fitted.value as Buffer).length).toBeGreaterThan(9_000);
    expect(fitted.headers).toMatchObject({
      ...dlqHeaders,
      original: 'h',
      [DLQ_FIT_HEADERS.truncated]: 'true',
      [DLQ_FIT_HEADERS.originalSize]: String(recordBytes(message)),
    });
  });

  it('drops large original headers, then cuts the key, when the value alone is not enough', () => {
    const message: Message = {
      key: 'k'.repeat(20_000),
      value: Buffer.alloc(10),
      headers: { ...dlqHeaders, big: Buffer.alloc(30_000), 'dlq-fake': Buffer.alloc(30_000) },
    };
    const fitted = fitRecord(message, 10_000);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(10_000);
    expect(fitted.headers).toMatchObject({ ...dlqHeaders, [DLQ_FIT_HEADERS.droppedHeaders]: 'big,dlq-fake', [DLQ_FIT_HEADERS.truncated]: 'true' });
    expect(fitted.headers?.['big']).toBeUndefined();
    expect((fitted.key as Buffer).length).toBeGreaterThan(9_000);
  });
});

describe('splitBySize', () => {
  it('keeps each request under the budget and sends an oversized record alone', () => {
    const small = (n: number): Message => ({ key: null, value: Buffer.alloc(300_000), headers: { n: String(n) } });
    const large: Message = { key: null, value: Buffer.alloc(1_000_000) };
    const requests = splitBySize([small(1), small(2), small(3), large, small(4)], 900 * 1024);
    expect(requests.map((r) => r.length)).toEqual([3, 1, 1]);
    for (const request of requests.filter((r) => r.length > 1)) {
      expect(request.reduce((sum, m) => sum + recordBytes(m), 0)).toBeLessThanOrEqual(900 * 1024);
    }
  });
});

describe('sendDeadLetterRecords', () => {
  it('sends every record, cleaned and fitted, in size-bounded requests with acks=all', async () => {
    const sent: { topic: string; acks?: number; messages: Message[] }[] = [];
    const producer = { send: async (record: { topic: string; acks?: number; messages: Message[] }) => void sent.push(record) } as never;
    const messages: Message[] = [
      ...Array.from({ length: 10 }, (_, i): Message => ({ key: `k${i}`, value: Buffer.alloc(200_000), headers: { ...dlqHeaders, bad: null as unknown as string } })),
      { key: 'huge', value: Buffer.alloc(2_000_000), headers: { ...dlqHeaders } },
    ];
    const result = await sendDeadLetterRecords(producer, 'dlq', messages, { maxMessageBytes: 1_114_124 });
    expect(sent.flatMap((r) => r.messages)).toHaveLength(11);
    expect(sent.every((r) => r.topic === 'dlq' && r.acks === -1)).toBe(true);
    expect(result).toEqual({ requests: sent.length, truncated: 1 });
    for (const request of sent) expect(request.messages.reduce((sum, m) => sum + recordBytes(m), 0)).toBeLessThanOrEqual(1_114_124);
    expect(sent[0].messages[0].headers).toEqual({ ...dlqHeaders, [DLQ_FIT_HEADERS.droppedHeaders]: 'bad' });
  });
});
