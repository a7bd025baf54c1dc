import { Kafka, logLevel } from 'kafkajs';
import { testBrokers, uniqueTopic } from './testing/test-broker';
import { sendDeadLetterRecords } from './dead-letter-records';
import { deadLetterTopicSpec, ensureTopics, EVENTS_MAX_MESSAGE_BYTES, eventsTopicSpec, topicMaxMessageBytes } from './topics';

describe('ensureTopics (real broker)', () => {
  const kafka = new Kafka({ clientId: 'topics-spec', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates missing topics with the partition count and leaves existing ones alone', async () => {
    const events = uniqueTopic('spec.events');
    const dlq = `${events}.dlq`;
    const first = await ensureTopics(admin, [
      { topic: events, numPartitions: 3 },
      { topic: dlq, numPartitions: 2 },
    ]);
    expect(first.created.sort()).toEqual([events, dlq].sort());

    const metadata = await admin.fetchTopicMetadata({ topics: [events, dlq] });
    const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
    expect(partitions).toEqual({ [events]: 3, [dlq]: 2 });

    const second = await ensureTopics(admin, [{ topic: events, numPartitions: 6 }]);
    expect(second.created).toEqual([]);
    expect(second.existing).toEqual([{ topic: events, partitions: 3 }]);
  });
});

describe('topic size limits and dead letters that fit (real broker)', () => {
  const kafka = new Kafka({ clientId: 'topics-spec-limits', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it('creates both topics with explicit max.message.bytes, the DLQ large enough for the largest event plus headers', async () => {
    const events = uniqueTopic('spec.limits');
    await ensureTopics(admin, [eventsTopicSpec(events, 1), deadLetterTopicSpec(`${events}.dlq`, 1)]);
    expect(await topicMaxMessageBytes(admin, events)).toBe(EVENTS_MAX_MESSAGE_BYTES);
    expect(await topicMaxMessageBytes(admin, `${events}.dlq`)).toBe(EVENTS_MAX_MESSAGE_BYTES + 64 * 1024);
  });

  it('gets every dead letter accepted: a largest-possible event with headers, many 600 KB ones, one too large for an old DLQ', async () => {
    const events = uniqueTopic('spec.dlqfit');
    const dlq = `${events}.dlq`;
    // An old DLQ created with the broker's default limit: a record that does not fit it is cut, not lost.
    const legacyDlq = `${events}.legacy-dlq`;
    await ensureTopics(admin, [eventsTopicSpec(events, 1), deadLetterTopicSpec(dlq, 1), { topic: legacyDlq, numPartitions: 1 }]);
    const withDlqHeaders = (value: Buffer, offset: number) => ({
      key: `k${offset}`,
      value,
      headers: { 'dlq-reason': 'schema_violation', 'dlq-details': 'x'.repeat(4_096), 'dlq-source-offset': String(offset), nul: null as unknown as string },
    });
    const largest = Buffer.alloc(EVENTS_MAX_MESSAGE_BYTES - 200, 0x61);
    const letters = [withDlqHeaders(largest, 0), ...Array.from({ length: 4 }, (_, i) => withDlqHeaders(Buffer.alloc(600_000, 0x62), i + 1))];

    const result = await sendDeadLetterRecords(producer, dlq, letters, { maxMessageBytes: await topicMaxMessageBytes(admin, dlq) });
    expect(result.truncated).toBe(0);
    expect((await admin.fetchTopicOffsets(dlq))[0].high).toBe('5');

    const legacy = await sendDeadLetterRecords(producer, legacyDlq, [withDlqHeaders(largest, 0)], {
      maxMessageBytes: await topicMaxMessageBytes(admin, legacyDlq),
    });
    expect(legacy.truncated).toBe(1);
    expect((await admin.fetchTopicOffsets(legacyDlq))[0].high).toBe('1');
  });
});
