/**
 * Where the sink's bytes go. Keys are forward-slash relative paths ("events/year=2026/.../x.parquet") so an
 * object store can implement this too: an S3 PUT is already atomic and S3 lists by key prefix.
 *
 * Contract every implementation must keep, because the exactly-once protocol relies on it:
 * - writeAtomic: a reader sees either no object or the whole object, never part of one, and the write is
 *   durable when the promise resolves.
 * - remove: durable when the promise resolves; removing a missing key is not an error.
 */
/** A key and what identifies its current content: a rewritten object gets a new version. */
export interface KeyVersion {
  key: string;
  version: string;
}

export interface StorageBackend {
  writeAtomic(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Creates the key with these bytes only if it does not exist yet, atomically: resolves true when this call
   * created it, false when the key already existed (its content is left alone). Of concurrent writers of one key
   * exactly one gets true, which is what fences a stale writer out of a key a newer one owns; writers that fence
   * put their identity into the bytes (S3 tells a retried request of its own from a rival's by them). Durable like
   * writeAtomic. Optional: a backend that cannot do it atomically leaves it out.
   */
  writeIfAbsent?(key: string, bytes: Uint8Array): Promise<boolean>;
  /** Rejects with StorageKeyNotFoundError when the key does not exist (each backend maps its own "not found"). */
  read(key: string): Promise<Buffer>;
  /** Every key below a folder-like prefix (recursive), sorted; [] when there is none. */
  list(prefix: string): Promise<string[]>;
  /** Resolves true when something was removed, false when the key did not exist. */
  remove(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /**
   * list() with versions (file identity, size and mtime locally; an ETag on S3), for readers that cache what
   * they read. Optional: without it they read everything every time.
   */
  listVersions?(prefix: string): Promise<KeyVersion[]>;
  /**
   * Removes what writers killed mid-write left behind, if older than `olderThanMs`; returns the keys removed
   * (temp files locally, unfinished multipart uploads on S3). Optional: a backend whose writes cannot leave
   * anything behind has nothing to sweep.
   */
  removeStaleTemporaryFiles?(olderThanMs: number): Promise<string[]>;
}

/** `read` of a key that does not exist, whatever the backend calls that (ENOENT, NoSuchKey). */
export class StorageKeyNotFoundError extends Error {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`no such storage key "${key}"`, options);
    this.name = 'StorageKeyNotFoundError';
  }
}

/** The key's bytes, or null when it does not exist (also when it vanished between a listing and this read). */
export async function readIfExists(backend: StorageBackend, key: string): Promise<Buffer | null> {
  try {
    return await backend.read(key);
  } catch (error) {
    if (error instanceof StorageKeyNotFoundError) return null;
    throw error;
  }
}

/**
 * Rejects keys that could escape the root or mean different things on different backends.
 * Returns the key unchanged so call sites can validate inline.
 */
export function checkStorageKey(key: string, { allowEmpty = false } = {}): string {
  if (key === '' && allowEmpty) return key;
  if (key === '' || key.startsWith('/') || key.endsWith('/') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid storage key "${key}"`);
  }
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new Error(`invalid storage key "${key}"`);
  }
  return key;
}
