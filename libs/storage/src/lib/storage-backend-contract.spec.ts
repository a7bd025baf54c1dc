import { randomBytes } from 'node:crypto';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { S3StorageBackend } from './s3-storage-backend';
import { StorageKeyNotFoundError, type StorageBackend } from './storage-backend';
import { makeTempDir } from './testing/temp-dir';
import { testS3Server, uniqueTestS3Url } from './testing/test-s3';

/**
 * The StorageBackend contract the exactly-once protocol relies on, run against every backend: the local file
 * system (a temp dir) and S3 (the real local server `npm test` starts; never a mock).
 */
interface BackendUnderTest {
  backend: StorageBackend;
  /** The same storage with listings paged in pages of this many keys, where the backend pages at all. */
  withListPageSize(pageSize: number): StorageBackend;
  cleanup(): Promise<void> | void;
}

const backends: [string, () => BackendUnderTest][] = [
  [
    'LocalFileSystemBackend',
    () => {
      const temp = makeTempDir('contract');
      return { backend: new LocalFileSystemBackend(temp.dir), withListPageSize: () => new LocalFileSystemBackend(temp.dir), cleanup: temp.cleanup };
    },
  ],
  [
    'S3StorageBackend',
    () => {
      const { endpoint } = testS3Server();
      const url = uniqueTestS3Url('contract');
      const opened: S3StorageBackend[] = [S3StorageBackend.fromUrl(url, { endpoint })];
      return {
        backend: opened[0],
        withListPageSize: (listPageSize) => {
          const paged = S3StorageBackend.fromUrl(url, { endpoint, listPageSize });
          opened.push(paged);
          return paged;
        },
        cleanup: () => opened.forEach((backend) => backend.destroy()),
      };
    },
  ],
];

/** Runs `task` for every item, at most `concurrency` at a time. */
async function forEachConcurrently<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) await task(items[next++]);
  });
  await Promise.all(workers);
}

describe.each(backends)('%s (StorageBackend contract)', (_name, open) => {
  let subject: BackendUnderTest;
  let backend: StorageBackend;

  beforeEach(() => {
    subject = open();
    backend = subject.backend;
  });
  afterEach(async () => {
    await subject.cleanup();
  });

  it('reads back exactly the bytes written, empty objects included, and a rewrite replaces them', async () => {
    const binary = randomBytes(70_000);
    await backend.writeAtomic('a/binary.bin', binary);
    await backend.writeAtomic('a/empty.bin', new Uint8Array(0));
    expect((await backend.read('a/binary.bin')).equals(binary)).toBe(true);
    expect((await backend.read('a/empty.bin')).length).toBe(0);
    await backend.writeAtomic('a/binary.bin', Buffer.from('second'));
    expect((await backend.read('a/binary.bin')).toString()).toBe('second');
  });

  it('fails a read of a missing key with StorageKeyNotFoundError on every backend', async () => {
    await expect(backend.read('nothing/here.json')).rejects.toBeInstanceOf(StorageKeyNotFoundError);
  });

  it('lists every key below a folder, recursively, in code-unit order, and nothing beside it', async () => {
    for (const key of ['b/year=2026/x.json', 'b/a.json', 'b/Z.json', 'bc.json', 'c.json']) {
      await backend.writeAtomic(key, Buffer.from(key));
    }
    expect(await backend.list('b')).toEqual(['b/Z.json', 'b/a.json', 'b/year=2026/x.json']);
    expect(await backend.list('b/year=2026')).toEqual(['b/year=2026/x.json']);
    expect(await backend.list('')).toEqual(['b/Z.json', 'b/a.json', 'b/year=2026/x.json', 'bc.json', 'c.json']);
    expect(await backend.list('missing/folder')).toEqual([]);
    expect(await backend.list('c.json')).toEqual([]);
  });

  // 1010 writes: a few seconds on an idle machine, far more on 2 cores shared with the rest of the suite.
  it('lists more than 1000 keys completely, across many pages', async () => {
    const keys = Array.from({ length: 1010 }, (_, i) => `many/hour=${String(i % 7).padStart(2, '0')}/part-${String(i).padStart(5, '0')}.json`);
    await forEachConcurrently(keys, 32, (key) => backend.writeAtomic(key, Buffer.from(key)));
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(await subject.withListPageSize(100).list('many')).toEqual(sorted);
    expect(await backend.list('many')).toEqual(sorted);
    const versions = await subject.withListPageSize(250).listVersions?.('many');
    expect(versions?.map((v) => v.key)).toEqual(sorted);
  }, 180_000);

  it('removes a key once: true, then false; removing a missing key is not an error', async () => {
    await backend.writeAtomic('r/x.json', Buffer.from('x'));
    expect(await backend.exists('r/x.json')).toBe(true);
    expect(await backend.remove('r/x.json')).toBe(true);
    expect(await backend.exists('r/x.json')).toBe(false);
    expect(await backend.remove('r/x.json')).toBe(false);
    expect(await backend.remove('never/written.json')).toBe(false);
    expect(await backend.list('r')).toEqual([]);
  });

  it('says a key exists only for a stored object, not for a folder-like prefix', async () => {
    await backend.writeAtomic('e/f/g.json', Buffer.from('g'));
    expect(await backend.exists('e/f/g.json')).toBe(true);
    expect(await backend.exists('e/f')).toBe(false);
    expect(await backend.exists('e/f/h.json')).toBe(false);
  });

  it('gives a rewritten key a new version and leaves the others alone', async () => {
    await backend.writeAtomic('v/a.json', Buffer.from('first'));
    await backend.writeAtomic('v/b.json', Buffer.from('b'));
    const before = await backend.listVersions?.('v');
    expect(before?.map((v) => v.key)).toEqual(['v/a.json', 'v/b.json']);
    await backend.writeAtomic('v/a.json', Buffer.from('second'));
    const after = await backend.listVersions?.('v');
    expect(after?.map((v) => v.key)).toEqual(['v/a.json', 'v/b.json']);
    expect(after?.[0].version).not.toBe(before?.[0].version);
    expect(after?.[1].version).toBe(before?.[1].version);
  });

  it('keeps keys with "=", "+" and other URL-special characters exact (Hive folders, topic+partition+offset names)', async () => {
    const keys = [
      'events/year=2026/month=01/day=02/hour=03/ecommerce.events+1+00000000000000000042.parquet',
      'events/year=2026/month=01/day=02/hour=03/a b&c%20d~e,f;g@h.json',
    ];
    for (const key of keys) await backend.writeAtomic(key, Buffer.from(`bytes of ${key}`));
    expect(await backend.list('events/year=2026/month=01')).toEqual([...keys].sort());
    for (const key of keys) {
      expect(await backend.exists(key)).toBe(true);
      expect((await backend.read(key)).toString()).toBe(`bytes of ${key}`);
    }
    expect((await backend.listVersions?.('events'))?.map((v) => v.key)).toEqual([...keys].sort());
    expect(await backend.remove(keys[0])).toBe(true);
    expect(await backend.list('events')).toEqual([keys[1]]);
  });

  it('creates a key with writeIfAbsent only when it is missing, never touching an existing one', async () => {
    expect(await backend.writeIfAbsent?.('w/marker.json', Buffer.from('first'))).toBe(true);
    expect(await backend.writeIfAbsent?.('w/marker.json', Buffer.from('second'))).toBe(false);
    expect((await backend.read('w/marker.json')).toString()).toBe('first');
    await backend.writeAtomic('w/other.json', Buffer.from('plain'));
    expect(await backend.writeIfAbsent?.('w/other.json', Buffer.from('conditional'))).toBe(false);
    expect((await backend.read('w/other.json')).toString()).toBe('plain');
    expect(await backend.list('w')).toEqual(['w/marker.json', 'w/other.json']);
  });

  it('lets exactly one of several concurrent writeIfAbsent writers win, and keeps the winner\'s bytes', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race/round-${round}.json`;
      const contenders = Array.from({ length: 6 }, (_, writer) => Buffer.from(`writer ${writer} of round ${round}`));
      const results = await Promise.all(contenders.map((bytes) => backend.writeIfAbsent?.(key, bytes)));
      expect(results.filter((won) => won === true)).toHaveLength(1);
      expect(results.filter((won) => won === false)).toHaveLength(contenders.length - 1);
      const winner = results.indexOf(true);
      expect((await backend.read(key)).equals(contenders[winner])).toBe(true);
    }
    expect(await backend.list('race')).toHaveLength(5);
  });

  it('stores an object larger than 8 MiB (multipart on S3) whole, and conditionally too', async () => {
    const big = randomBytes(9 * 1024 * 1024 + 123);
    await backend.writeAtomic('big/large.bin', big);
    expect((await backend.read('big/large.bin')).equals(big)).toBe(true);
    expect(await backend.writeIfAbsent?.('big/large.bin', Buffer.from('small'))).toBe(false);
    expect(await backend.writeIfAbsent?.('big/fresh.bin', big)).toBe(true);
    expect((await backend.read('big/fresh.bin')).equals(big)).toBe(true);
    // A large conditional write onto an existing key (on S3: If-None-Match on CompleteMultipartUpload) is refused too.
    const other = randomBytes(big.length);
    expect(await backend.writeIfAbsent?.('big/fresh.bin', other)).toBe(false);
    expect((await backend.read('big/fresh.bin')).equals(big)).toBe(true);
  });

  it('never lets a concurrent reader see a partly written object', async () => {
    const size = 2 * 1024 * 1024;
    const versions = [Buffer.alloc(size, 'a'), Buffer.alloc(size, 'b')];
    await backend.writeAtomic('atomic/big.bin', versions[0]);
    let writing = true;
    const writer = (async () => {
      try {
        for (let i = 1; i <= 8; i++) await backend.writeAtomic('atomic/big.bin', versions[i % 2]);
      } finally {
        writing = false;
      }
    })();
    let reads = 0;
    while (writing) {
      const seen = await backend.read('atomic/big.bin');
      expect(seen.length).toBe(size);
      expect(seen.equals(versions[0]) || seen.equals(versions[1])).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('refuses keys that could escape the root or mean different things on different backends', async () => {
    for (const key of ['../x', '/etc/passwd', 'a/../../x', 'a//b', 'a\\b', 'a/']) {
      await expect(backend.writeAtomic(key, Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
    }
    await expect(backend.list('..')).rejects.toThrow(/invalid storage key/);
  });
});
