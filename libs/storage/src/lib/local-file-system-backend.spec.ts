import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { StorageKeyNotFoundError } from './storage-backend';
import { makeTempDir } from './testing/temp-dir';

function allFileNames(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('LocalFileSystemBackend', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;

  beforeEach(() => {
    temp = makeTempDir('fs');
    backend = new LocalFileSystemBackend(temp.dir);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    temp.cleanup();
  });

  it('writes, reads, lists recursively in key order, and removes', async () => {
    await backend.writeAtomic('b/year=2026/x.json', Buffer.from('x'));
    await backend.writeAtomic('b/a.json', Buffer.from('a'));
    await backend.writeAtomic('c.json', Buffer.from('c'));
    expect((await backend.read('b/a.json')).toString()).toBe('a');
    expect(await backend.list('b')).toEqual(['b/a.json', 'b/year=2026/x.json']);
    expect(await backend.list('')).toEqual(['b/a.json', 'b/year=2026/x.json', 'c.json']);
    expect(await backend.list('missing/folder')).toEqual([]);
    expect(await backend.exists('b/a.json')).toBe(true);
    expect(await backend.exists('b')).toBe(false);
    expect(await backend.remove('b/a.json')).toBe(true);
    expect(await backend.remove('b/a.json')).toBe(false);
    expect(await backend.exists('b/a.json')).toBe(false);
    await expect(backend.read('b/a.json')).rejects.toBeInstanceOf(StorageKeyNotFoundError);
  });

  it('leaves no temp file behind and overwrites in place', async () => {
    await backend.writeAtomic('d/f.bin', Buffer.from('first'));
    await backend.writeAtomic('d/f.bin', Buffer.from('second'));
    expect(allFileNames(temp.dir)).toEqual(['f.bin']);
    expect((await backend.read('d/f.bin')).toString()).toBe('second');
  });

  it('keeps the old file intact and cleans up when a write fails before the rename', async () => {
    await backend.writeAtomic('d/f.bin', Buffer.from('old'));
    jest.spyOn(fs, 'rename').mockRejectedValueOnce(new Error('disk full'));
    await expect(backend.writeAtomic('d/f.bin', Buffer.from('new'))).rejects.toThrow('disk full');
    expect((await backend.read('d/f.bin')).toString()).toBe('old');
    expect(allFileNames(temp.dir)).toEqual(['f.bin']);
  });

  it('hides temp files left by a crash from list()', async () => {
    await backend.writeAtomic('d/f.parquet', Buffer.from('whole'));
    await fs.writeFile(path.join(temp.dir, 'd', '.g.parquet.123.abcd.tmp'), 'half');
    expect(await backend.list('d')).toEqual(['d/f.parquet']);
  });

  it('never lets a concurrent reader see a partly written file', async () => {
    const size = 2 * 1024 * 1024;
    const versions = [Buffer.alloc(size, 'a'), Buffer.alloc(size, 'b')];
    await backend.writeAtomic('big.bin', versions[0]);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 12; i++) await backend.writeAtomic('big.bin', versions[i % 2]);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await fs.readFile(path.join(temp.dir, 'big.bin'));
      expect(seen.length).toBe(size);
      expect(seen.equals(versions[0]) || seen.equals(versions[1])).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('refuses keys that could escape the root', async () => {
    for (const key of ['../x', '/etc/passwd', 'a/../../x', 'a//b', 'a\\b', 'a/']) {
      await expect(backend.writeAtomic(key, Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
    }
    await expect(backend.list('..')).rejects.toThrow(/invalid storage key/);
  });
  it('sweeps temp files a killed writer left, once they are old, and nothing else', async () => {
    await backend.writeAtomic('events/hour=10/a.parquet', Buffer.from('kept'));
    const folder = path.join(temp.dir, 'events', 'hour=10');
    const orphan = path.join(folder, '.b.parquet.123.abcdef.tmp');
    const inFlight = path.join(folder, '.c.parquet.456.abcdef.tmp');
    await fs.writeFile(orphan, 'half');
    await fs.writeFile(inFlight, 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await fs.utimes(orphan, twoHoursAgo, twoHoursAgo);

    expect(await backend.removeStaleTemporaryFiles(3_600_000)).toEqual(['events/hour=10/.b.parquet.123.abcdef.tmp']);
    expect(readdirSync(folder).sort()).toEqual(['.c.parquet.456.abcdef.tmp', 'a.parquet']);
  });
  it('lists versions that change when a key is rewritten, even with the same bytes', async () => {
    await backend.writeAtomic('p/a.json', Buffer.from('same'));
    await backend.writeAtomic('p/b.json', Buffer.from('b'));
    const before = await backend.listVersions('p');
    expect(before.map((v) => v.key)).toEqual(['p/a.json', 'p/b.json']);
    await backend.writeAtomic('p/a.json', Buffer.from('same'));
    const after = await backend.listVersions('p');
    expect(after[0].version).not.toBe(before[0].version);
    expect(after[1].version).toBe(before[1].version);
  });
});
