import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickstreamSimulation, HEADER_INJECTED_FAULT } from '@pipeline/simulation';
import { LocalFileSystemBackend, readEventRows, readMetricRange } from '@pipeline/storage';
import { backfillNdjson } from './ndjson-backfill';

describe('backfillNdjson', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'backfill-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function storedIds(dataDir: string): Promise<string[]> {
    const backend = new LocalFileSystemBackend(dataDir);
    const ids: string[] = [];
    for (const key of await backend.list('events')) {
      if (key.endsWith('.parquet')) for await (const row of readEventRows(backend, key)) ids.push(String(row['event_id']));
    }
    return ids;
  }

  it('stores the clean lines once, refuses the faulty ones, and a re-run changes nothing', async () => {
    const simulation = new ClickstreamSimulation({ seed: 5, startTime: Date.now() - 3_600_000, badRatio: 0.1, faultKinds: ['invalid_json', 'missing_field', 'invalid_utf8'] });
    const messages = simulation.take(2_500);
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, Buffer.concat(messages.flatMap((m) => [m.value, Buffer.from('\n')])));
    const clean = messages.filter((m) => m.headers[HEADER_INJECTED_FAULT] === undefined).map((m) => JSON.parse(m.value.toString()).event_id);
    const dataDir = join(dir, 'data');

    const first = await backfillNdjson({ input, dataDir, chunkSize: 700, parquet: {} });
    expect(first).toMatchObject({ lines: 2_500, stored: clean.length, deadLettered: 2_500 - clean.length });
    expect((await storedIds(dataDir)).sort()).toEqual([...clean].sort());

    const second = await backfillNdjson({ input, dataDir, chunkSize: 700, parquet: {} });
    expect(second.stored).toBe(clean.length);
    expect((await storedIds(dataDir)).sort()).toEqual([...clean].sort());
    const deadLetters = readFileSync(first.deadLetterFile, 'utf8').trim().split('\n');
    expect(deadLetters).toHaveLength(2_500 - clean.length);
    expect(JSON.parse(deadLetters[0]).headers['dlq-reason']).toMatch(/invalid_json|invalid_utf8|schema_violation/);

    const summary = await readMetricRange(new LocalFileSystemBackend(dataDir), 'summary', 0, Number.MAX_SAFE_INTEGER);
    expect(summary.reduce((n, r) => n + Number(r['events']), 0)).toBe(clean.length);
  }, 60_000);
});
