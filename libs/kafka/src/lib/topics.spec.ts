import { Kafka, logLevel } from 'kafkajs';
import { testBrokers, uniqueTopic } from './testing/test-broker';
import { ensureTopics } from './topics';

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
