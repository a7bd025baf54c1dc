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
  /** Rejects when the key does not exist. */
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
