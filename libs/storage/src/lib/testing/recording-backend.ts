import type { StorageBackend } from '../storage-backend';

export type BackendOperation = { op: 'writeAtomic' | 'remove'; key: string };

/**
 * Wraps a backend to record writes/removes in order and to simulate a crash: after `crashAfterWrites`
 * successful writes, every further call rejects (the process is "dead"; what reached storage stays).
 */
export class RecordingBackend implements StorageBackend {
  readonly operations: BackendOperation[] = [];
  crashAfterWrites = Infinity;
  private writes = 0;

  constructor(private readonly inner: StorageBackend) {}

  private alive(): void {
    if (this.writes >= this.crashAfterWrites) throw new Error('simulated crash');
  }

  async writeAtomic(key: string, bytes: Uint8Array): Promise<void> {
    this.alive();
    await this.inner.writeAtomic(key, bytes);
    this.writes++;
    this.operations.push({ op: 'writeAtomic', key });
  }
  async read(key: string): Promise<Buffer> {
    this.alive();
    return this.inner.read(key);
  }
  async list(prefix: string): Promise<string[]> {
    this.alive();
    return this.inner.list(prefix);
  }
  async remove(key: string): Promise<boolean> {
    this.alive();
    const removed = await this.inner.remove(key);
    this.operations.push({ op: 'remove', key });
    return removed;
  }
  async exists(key: string): Promise<boolean> {
    this.alive();
    return this.inner.exists(key);
  }
}
