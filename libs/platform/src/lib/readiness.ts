/**
 * An app-specific readiness check, served by `GET /health` next to the Kafka check under its own `name` (terminus
 * indicator): the body of a 503 then names the failing check and says why.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): ReadinessResult | Promise<ReadinessResult>;
}

export type ReadinessResult = { up: true; details?: Record<string, unknown> } | { up: false; details: { message: string } & Record<string, unknown> };

/**
 * The outcome of the last storage write. Down after a failed write until one succeeds again; the message names the
 * root cause (ENOSPC: disk full, EROFS: read-only file system...) rather than whatever call happened to fail.
 */
export class StorageWriteHealth implements ReadinessCheck {
  readonly name = 'storage';
  private lastFailure: { message: string; code: string | null; at: string } | null = null;
  private lastSuccessAt: string | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  succeeded(): void {
    this.lastFailure = null;
    this.lastSuccessAt = new Date(this.now()).toISOString();
  }

  /** `rootCause`: a code found by probing (see probeWritable), preferred over the failed call's own code. */
  failed(error: unknown, rootCause: string | null = null): void {
    const code = rootCause ?? errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    this.lastFailure = { message: code ? `${code} (${describeCode(code)}): ${message}` : message, code, at: new Date(this.now()).toISOString() };
  }

  /**
   * A failed write, noted only when it is a system error (ENOSPC, EROFS, ENOTDIR...): its root cause is probed in
   * `localFolder` (the lake's folder; the working folder for an object store). Returns the failure when it is new
   * (to log it once), else null.
   */
  async noteFailure(error: unknown, localFolder: string | null): Promise<string | null> {
    if (!errorCode(error)) return null;
    const before = this.failure;
    this.failed(error, await probeWritable(localFolder ?? '.'));
    return this.failure !== before ? this.failure : null;
  }

  get failure(): string | null {
    return this.lastFailure?.message ?? null;
  }

  check(): ReadinessResult {
    if (this.lastFailure) return { up: false, details: { message: `last write failed: ${this.lastFailure.message}`, code: this.lastFailure.code, at: this.lastFailure.at } };
    return { up: true, details: { lastWrite: this.lastSuccessAt } };
  }
}

const CODE_MEANINGS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'no such file or directory',
};

function describeCode(code: string): string {
  return CODE_MEANINGS[code] ?? 'system error';
}

/** The system error code of an error or of the first error in its `cause` chain. */
export function errorCode(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Finds the root cause of a failed write under `dir` by writing a probe file at its root: a recursive mkdir on a full
 * or read-only disk can fail with a misleading code (ENOENT), while a plain write says ENOSPC or EROFS. Returns the
 * probe's error code, or null when the probe write works (the failure was elsewhere).
 */
export async function probeWritable(dir: string): Promise<string | null> {
  const { writeFile, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const probe = join(dir, `.write-probe.${process.pid}`);
  try {
    await writeFile(probe, 'probe');
    await rm(probe, { force: true });
    return null;
  } catch (error) {
    return errorCode(error) ?? 'EUNKNOWN';
  }
}
