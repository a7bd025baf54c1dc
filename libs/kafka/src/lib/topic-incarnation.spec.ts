import { incarnationKey, resolveIncarnation, storageTopicFor, type IncarnationStore } from './topic-incarnation';

function memoryStore(): IncarnationStore & { files: Map<string, Buffer> } {
  const files = new Map<string, Buffer>();
  return {
    files,
    exists: async (key) => files.has(key),
    read: async (key) => files.get(key) as Buffer,
    writeAtomic: async (key, bytes) => void files.set(key, Buffer.from(bytes)),
  };
}

describe('resolveIncarnation', () => {
  const now = () => new Date('2026-12-01T00:00:00.000Z');

  it('keeps the plain topic name for the lake\'s first cluster, and on every later start', async () => {
    const store = memoryStore();
    expect(await resolveIncarnation(store, 'ecommerce.events', 'clusterA', now)).toEqual({ storageTopic: 'ecommerce.events', changedFrom: null });
    expect(await resolveIncarnation(store, 'ecommerce.events', 'clusterA', now)).toEqual({ storageTopic: 'ecommerce.events', changedFrom: null });
    expect(store.files.has(incarnationKey('ecommerce.events'))).toBe(true);
  });

  it('stores a new cluster\'s data under names that cannot collide, and remembers the old one', async () => {
    const store = memoryStore();
    await resolveIncarnation(store, 'ecommerce.events', 'clusterA', now);
    const changed = await resolveIncarnation(store, 'ecommerce.events', 'new/cluster+B', now);
    expect(changed.storageTopic).toBe('ecommerce.events.c-new_cluster_B');
    expect(changed.changedFrom).toMatchObject({ clusterId: 'clusterA', storageTopic: 'ecommerce.events' });
    expect(await resolveIncarnation(store, 'ecommerce.events', 'new/cluster+B', now)).toEqual({ storageTopic: changed.storageTopic, changedFrom: null });
    // Back on the first cluster: its offsets continue, so its old names are right again.
    expect((await resolveIncarnation(store, 'ecommerce.events', 'clusterA', now)).storageTopic).toBe('ecommerce.events');
  });

  it('derives a valid topic-style name', () => {
    expect(storageTopicFor('t', 'drpQm8Z8hAJ7Lvsbxj8ScA')).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
  });
});
