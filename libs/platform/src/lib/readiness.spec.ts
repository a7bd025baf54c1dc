import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode, probeWritable, StorageWriteHealth } from './readiness';

describe('StorageWriteHealth', () => {
  it('is down after a failed write, naming the root cause, and up after the next successful one', () => {
    const health = new StorageWriteHealth(() => Date.parse('2026-12-01T00:00:00.000Z'));
    expect(health.check().up).toBe(true);
    const mkdirFailure = Object.assign(new Error("ENOENT: no such file or directory, mkdir '/data/events/year=2026'"), { code: 'ENOENT' });
    health.failed(mkdirFailure, 'ENOSPC');
    expect(health.check()).toEqual({
      up: false,
      details: {
        message: "last write failed: ENOSPC (no space left on device): ENOENT: no such file or directory, mkdir '/data/events/year=2026'",
        code: 'ENOSPC',
        at: '2026-12-01T00:00:00.000Z',
      },
    });
    health.succeeded();
    expect(health.check().up).toBe(true);
  });

  it('uses the error\'s own code when no probe found one', () => {
    const health = new StorageWriteHealth();
    health.failed(new Error('wrapped', { cause: Object.assign(new Error('read-only'), { code: 'EROFS' }) }));
    expect(health.failure).toBe('EROFS (read-only file system): wrapped');
  });

  it('notes only system errors, with the root cause probed in the lake folder, and returns a failure once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'note-'));
    try {
      writeFileSync(join(dir, 'file'), 'x');
      const health = new StorageWriteHealth();
      expect(await health.noteFailure(new Error('not a storage problem'), join(dir, 'file'))).toBeNull();
      expect(health.check().up).toBe(true);
      const failure = Object.assign(new Error("ENOENT: mkdir 'x'"), { code: 'ENOENT' });
      expect(await health.noteFailure(failure, join(dir, 'file'))).toBe("ENOTDIR (a path component is not a directory): ENOENT: mkdir 'x'");
      expect(await health.noteFailure(failure, join(dir, 'file'))).toBeNull();
      expect(health.check().up).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errorCode / probeWritable', () => {
  it('reads system codes only', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(errorCode(Object.assign(new Error('x'), { code: 42 }))).toBeNull();
    expect(errorCode(new Error('x'))).toBeNull();
  });

  it('answers null for a writable folder and the code for one that is not a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    try {
      expect(await probeWritable(dir)).toBeNull();
      writeFileSync(join(dir, 'file'), 'x');
      expect(await probeWritable(join(dir, 'file'))).toBe('ENOTDIR');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
