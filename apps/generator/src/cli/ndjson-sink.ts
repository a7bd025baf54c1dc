import type { Writable } from 'node:stream';
import type { GeneratedMessage } from '@pipeline/simulation';
import type { MessageSink } from './message-sink';

const NEWLINE = Buffer.from('\n');

/**
 * One line per message: the value's bytes exactly as they would go to Kafka, then "\n". Injected faults are
 * written as they are (truncated JSON, invalid UTF-8), because a dry run is for seeing what the pipeline
 * will receive. Framing still holds: a JSON value never contains a raw newline (JSON.stringify escapes it)
 * and no injected fault adds the byte 0x0A.
 */
export function toNdjson(batch: readonly GeneratedMessage[]): Buffer {
  const parts: Buffer[] = new Array(batch.length * 2);
  for (let i = 0; i < batch.length; i++) {
    parts[2 * i] = batch[i].value;
    parts[2 * i + 1] = NEWLINE;
  }
  return Buffer.concat(parts);
}

/** The reader went away (`| head` exits after its lines): not an error for the generator, just the end. */
export function isBrokenPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * The dry-run sink: NDJSON on a stream (stdout). Respects back-pressure (a slow reader slows the generator
 * instead of filling memory) and turns a closed pipe into a quiet stop via `onBrokenPipe`.
 */
export class NdjsonSink implements MessageSink {
  private broken = false;
  private failure: Error | null = null;

  constructor(
    private readonly out: Writable,
    private readonly onBrokenPipe: () => void = () => undefined,
  ) {
    out.on('error', (error: Error) => {
      if (isBrokenPipe(error)) this.markBroken();
      else this.failure ??= error;
    });
  }

  /** True once the reader has closed the pipe. */
  get brokenPipe(): boolean {
    return this.broken;
  }

  async publish(batch: GeneratedMessage[]): Promise<void> {
    if (this.failure) throw this.failure;
    // Nobody is reading any more: drop the batch; onBrokenPipe has already asked the run to stop.
    if (this.broken) return;
    if (this.out.destroyed || this.out.writableEnded) {
      this.markBroken();
      return;
    }
    if (!this.out.write(toNdjson(batch))) await settled(this.out);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (!this.broken && !this.out.destroyed && this.out.writableNeedDrain) await settled(this.out);
  }

  private markBroken(): void {
    if (this.broken) return;
    this.broken = true;
    this.onBrokenPipe();
  }
}

/** Resolves on 'drain', or when the stream errors or closes (then it will never drain). */
function settled(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}
