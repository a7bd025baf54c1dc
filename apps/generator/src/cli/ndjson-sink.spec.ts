import { Writable } from 'node:stream';
import type { GeneratedMessage } from '@pipeline/simulation';
import { isBrokenPipe, NdjsonSink, toNdjson } from './ndjson-sink';

function message(value: Buffer): GeneratedMessage {
  return { key: 'k', value, headers: {}, eventType: null, fault: null };
}

class FailingStream extends Writable {
  constructor(private readonly code: string) {
    super();
  }
  override _write(_chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    done(Object.assign(new Error(`write ${this.code}`), { code: this.code }));
  }
}

describe('toNdjson', () => {
  it('writes each value verbatim followed by a newline, invalid UTF-8 included', () => {
    const broken = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(toNdjson([message(Buffer.from('{"a":1}')), message(broken)])).toEqual(Buffer.from([...Buffer.from('{"a":1}\n'), 0x7b, 0xff, 0x7d, 0x0a]));
    expect(toNdjson([])).toHaveLength(0);
  });
});

describe('isBrokenPipe', () => {
  it('is true for EPIPE and a destroyed stream only', () => {
    expect(isBrokenPipe(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBe(true);
    expect(isBrokenPipe(Object.assign(new Error('x'), { code: 'ERR_STREAM_DESTROYED' }))).toBe(true);
    expect(isBrokenPipe(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(false);
    expect(isBrokenPipe(null)).toBe(false);
  });
});

describe('NdjsonSink', () => {
  it('turns EPIPE into one onBrokenPipe call and drops later batches', async () => {
    let calls = 0;
    const sink = new NdjsonSink(new FailingStream('EPIPE'), () => calls++);
    await sink.publish([message(Buffer.from('{}'))]);
    await new Promise((resolve) => setImmediate(resolve));
    await sink.publish([message(Buffer.from('{}'))]);
    await sink.close();
    expect(sink.brokenPipe).toBe(true);
    expect(calls).toBe(1);
  });

  it('fails the publish on any other write error (a full disk is not a normal end)', async () => {
    const sink = new NdjsonSink(new FailingStream('ENOSPC'));
    await sink.publish([message(Buffer.from('{}'))]).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(sink.publish([message(Buffer.from('{}'))])).rejects.toThrow('write ENOSPC');
    expect(sink.brokenPipe).toBe(false);
  });
});
