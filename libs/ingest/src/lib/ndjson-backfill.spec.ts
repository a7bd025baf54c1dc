import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickstreamSimulation, HEADER_INJECTED_FAULT } from '@pipeline/simulation';
import { createStorageBackend, readEventRows, readMetricRange, type StorageBackend } from '@pipeline/storage';
import { backfillNdjson } from './ndjson-backfill';

describe('backfillNdjson', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'backfill-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function storedIds(backend: StorageBackend): Promise<string[]> {
    const ids: string[] = [];
    for (const key of await backend.list('events')) {
      if (key.endsWith('.parquet')) for await (const row of readEventRows(backend, key)) ids.push(String(row['event_id']));
    }
    return ids;
  }

  async function deadLetterLines(backend: StorageBackend, prefix: string): Promise<string[]> {
    const lines: string[] = [];
    for (const key of await backend.list(prefix)) lines.push(...(await backend.read(key)).toString('utf8').trim().split('\n'));
    return lines;
  }

  it('stores the clean lines once, refuses the faulty ones, and a re-run stores nothing again', async () => {
    const simulation = new ClickstreamSimulation({ seed: 5, startTime: Date.now() - 3_600_000, badRatio: 0.1, faultKinds: ['invalid_json', 'missing_field', 'invalid_utf8'] });
    const messages = simulation.take(2_500);
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, Buffer.concat(messages.flatMap((m) => [m.value, Buffer.from('\n')])));
    const clean = messages.filter((m) => m.headers[HEADER_INJECTED_FAULT] === undefined).map((m) => JSON.parse(m.value.toString()).event_id);
    const backend = createStorageBackend(`file://${join(dir, 'data')}`);

    const first = await backfillNdjson({ input, backend, chunkSize: 700 });
    expect(first).toMatchObject({ messages: 2_500, stored: clean.length, deadLettered: 2_500 - clean.length, deadLetterPrefix: 'dead-letters/backfill.events' });
    expect((await storedIds(backend)).sort()).toEqual([...clean].sort());
    const deadLetters = await deadLetterLines(backend, first.deadLetterPrefix);
    expect(deadLetters).toHaveLength(2_500 - clean.length);
    expect(JSON.parse(deadLetters[0]).headers['dlq-reason']).toMatch(/invalid_json|invalid_utf8|schema_violation/);

    // The same file again: every clean line is already in the lake, so it is refused as a duplicate, not stored twice.
    const second = await backfillNdjson({ input, backend, chunkSize: 700 });
    expect(second).toMatchObject({ stored: 0, deadLettered: 2_500 });
    expect((await storedIds(backend)).sort()).toEqual([...clean].sort());
    const again = await deadLetterLines(backend, second.deadLetterPrefix);
    expect(again).toHaveLength(2_500);
    expect(again.filter((line) => JSON.parse(line).headers['dlq-reason'] === 'duplicate_event_id')).toHaveLength(clean.length);

    const summary = await readMetricRange(backend, 'summary', 0, Number.MAX_SAFE_INTEGER);
    expect(summary.reduce((n, r) => n + Number(r['events']), 0)).toBe(clean.length);
  }, 60_000);
});
