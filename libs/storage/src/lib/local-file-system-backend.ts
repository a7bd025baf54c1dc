import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkStorageKey, StorageKeyNotFoundError, type KeyVersion, type StorageBackend } from './storage-backend';

const TEMP_SUFFIX = '.tmp';

/** Temp files start with '.' and end with '.tmp': hidden from list() and from `*.parquet` globs of other readers. */
export function isTemporaryFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Calls `visit` for every file below `dir` (recursively), with its name, its folder's path and its storage key; a
 * missing dir is empty. Per file it only builds the key and awaits `visit` only if it returns a promise: the id index
 * lists an hour's folder before every chunk, and late in a busy hour that folder holds ~18,000 files (a path.join
 * and an await per file made such a listing ~50 ms of CPU).
 */
async function walkFiles(
  dir: string,
  keyPrefix: string,
  visit: (name: string, folder: string, key: string) => void | Promise<void>,
): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  const keyStart = keyPrefix ? `${keyPrefix}/` : '';
  for (const entry of entries) {
    if (entry.isDirectory()) {
      await walkFiles(path.join(dir, entry.name), keyStart + entry.name, visit);
    } else if (entry.isFile()) {
      const visited = visit(entry.name, dir, keyStart + entry.name);
      if (visited) await visited;
    }
  }
}

/**
 * StorageBackend on a local (POSIX) file system rooted at a directory.
 * writeAtomic = write a temp file in the same folder, fsync it, rename over the target, fsync the folder:
 * rename within one file system is atomic, and the folder fsync makes the new name survive a power loss.
 */
export class LocalFileSystemBackend implements StorageBackend {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a key, for tools that read the files directly (DuckDB, pyarrow). */
  pathOf(key: string): string {
    return path.join(this.root, ...checkStorageKey(key, { allowEmpty: true }).split('/').filter(Boolean));
  }

  async writeAtomic(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await this.makeDirectoryDurably(dir);
    const temp = await writeDurableTemporaryFile(target, bytes);
    try {
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }

  /**
   * Write a complete temp file, then link() it to the key: link fails with EEXIST if the name exists and, unlike
   * open(O_EXCL) on the key itself, never shows a half-written file under the key's name. The temp name is removed
   * either way; the folder fsync makes the new name durable.
   */
  async writeIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await this.makeDirectoryDurably(dir);
    const temp = await writeDurableTemporaryFile(target, bytes);
    let created = true;
    try {
      await fs.link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      created = false;
    } finally {
      await fs.rm(temp, { force: true });
    }
    await syncDirectory(dir);
    return created;
  }

  /**
   * Removes temp files a killed writer left behind (a crash between open and rename), if older than `olderThanMs`:
   * a live writer's temp file exists for milliseconds, so an old one belongs to nobody. Returns the keys removed.
   */
  async removeStaleTemporaryFiles(olderThanMs: number, nowMs = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    await walkFiles(this.root, '', async (name, folder, key) => {
      if (!isTemporaryFileName(name)) return;
      const full = path.join(folder, name);
      const stat = await fs.stat(full).catch(() => null);
      if (stat && nowMs - stat.mtimeMs > olderThanMs) {
        await fs.rm(full, { force: true });
        removed.push(key);
      }
    });
    return removed;
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(checkStorageKey(key)));
    } catch (error) {
      if (isNotFound(error)) throw new StorageKeyNotFoundError(key, { cause: error });
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = checkStorageKey(prefix, { allowEmpty: true });
    const keys: string[] = [];
    await walkFiles(this.pathOf(base), base, (name, _folder, key) => {
      if (!isTemporaryFileName(name)) keys.push(key);
    });
    // Plain code-unit order (not localeCompare) so the order is the same on every host and matches S3's: what
    // sort() without a comparator does, without a call into JavaScript per comparison.
    return keys.sort();
  }

  /** writeAtomic renames a new file into place, so a rewrite always changes the inode part of the version. */
  async listVersions(prefix: string): Promise<KeyVersion[]> {
    const keys = await this.list(prefix);
    const versions = await Promise.all(
      keys.map(async (key) => {
        const stat = await fs.stat(this.pathOf(key)).catch(() => null);
        return stat ? { key, version: `${stat.ino}:${stat.size}:${stat.mtimeMs}` } : null;
      }),
    );
    // A key removed between the listing and its stat is simply not there any more.
    return versions.filter((v): v is KeyVersion => v !== null);
  }

  async remove(key: string): Promise<boolean> {
    const target = this.pathOf(checkStorageKey(key));
    try {
      await fs.unlink(target);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    // Without this a crash could bring the name back after recovery already deleted its pending marker.
    await syncDirectory(path.dirname(target));
    return true;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(checkStorageKey(key)))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** mkdir -p, then fsync the parent of every folder it created, so the new folders themselves are durable. */
  private async makeDirectoryDurably(dir: string): Promise<void> {
    const firstCreated = await fs.mkdir(dir, { recursive: true });
    if (!firstCreated) return;
    let current = dir;
    while (current !== path.dirname(firstCreated)) {
      current = path.dirname(current);
      await syncDirectory(current);
    }
  }
}

/** Writes and fsyncs a temp file next to `target` (same folder, so rename/link stay on one file system); returns its path. */
async function writeDurableTemporaryFile(target: string, bytes: Uint8Array): Promise<string> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return temp;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
