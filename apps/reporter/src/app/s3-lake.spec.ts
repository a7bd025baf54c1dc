import type { INestApplication } from '@nestjs/common';
import { writeSamplePipelineData } from '@pipeline/ingest/testing';
import { loadConfig } from '@pipeline/platform';
import { createStorageBackend, S3StorageBackend } from '@pipeline/storage';
import { testS3Server, uniqueTestS3Url } from '@pipeline/storage/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ReporterConfig } from './reporter.config';
import { createReporterApp } from './setup-app';

/**
 * The reporter on an `s3://` lake (the real local S3 server, `npm test` starts it) answers exactly what it answers
 * on a `file://` lake holding the same events: both lakes are written by the same seeded ingest run, then every
 * range endpoint of two reporters, one per lake, is compared (CSV byte for byte, JSON deep, but for the cache token).
 */
jest.setTimeout(180_000);

const DATA = { startMs: Date.UTC(2026, 10, 27, 6), hours: 4, concurrentSessions: 5 };
const RANGES = [
  ['every stored hour', '2026-11-27T06:00:00.000Z', '2026-11-27T10:00:00.000Z'],
  ['mid-hour to mid-hour', '2026-11-27T07:30:00.000Z', '2026-11-27T09:15:00.500Z'],
];
const NOT_FIGURES = new Set(['dataVersion', 'generatedAt', 'ageMs']);
const ENDPOINTS = ['summary', 'hourly', 'products/top', 'devices', 'funnel', 'quality', 'dashboard', 'summary.csv', 'products/top.csv'];

/** The CSV without one column (plain fields: the reporter's CSV quotes none of these). */
function withoutCsvColumn(csv: string, column: string): string {
  const lines = csv.split('\n');
  const at = lines[0].split(',').indexOf(column);
  return at < 0 ? csv : lines.map((line) => line.split(',').filter((_, i) => i !== at).join(',')).join('\n');
}

async function startReporter(env: Record<string, string>): Promise<{ app: INestApplication; baseUrl: string }> {
  const config = loadConfig(ReporterConfig, { CHART_WIDTH: '640', CHART_HEIGHT: '360', PROCESSOR_METRICS_URL: '', ...env });
  const app = await createReporterApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

describe('the reporter on an s3:// lake', () => {
  const server = testS3Server();
  const dir = mkdtempSync(path.join(tmpdir(), 'reporter-s3-'));
  const s3Url = uniqueTestS3Url('reporter');
  const s3Backend = createStorageBackend({ STORAGE_URL: s3Url, S3_ENDPOINT: server.endpoint }) as S3StorageBackend;
  const reporters: INestApplication[] = [];
  let onFile: string;
  let onS3: string;
  let storedEvents: number;

  beforeAll(async () => {
    const fileData = await writeSamplePipelineData(dir, DATA);
    const s3Data = await writeSamplePipelineData(s3Backend, DATA);
    expect(s3Data).toEqual(fileData);
    storedEvents = fileData.storedEvents;
    const file = await startReporter({ STORAGE_URL: `file://${dir}` });
    const s3 = await startReporter({ STORAGE_URL: s3Url, S3_ENDPOINT: server.endpoint });
    reporters.push(file.app, s3.app);
    onFile = file.baseUrl;
    onS3 = s3.baseUrl;
  });
  afterAll(async () => {
    await Promise.all(reporters.map((app) => app.close()));
    s3Backend.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(RANGES)('answers every endpoint for %s exactly as on the filesystem', async (_name, from, to) => {
    const query = `?from=${from}&to=${to}`;
    for (const endpoint of ENDPOINTS) {
      const [fromFile, fromS3] = await Promise.all([onFile, onS3].map(async (base) => {
        const response = await fetch(`${base}/api/${endpoint}${query}`);
        const text = await response.text();
        // Not figures: dataVersion is a cache token of the files' versions (inode and mtime vs ETag); the dashboard's
        // generatedAt and freshness.ageMs are the moment of the request.
        const body = endpoint.endsWith('.csv') ? withoutCsvColumn(text, 'data_version') : JSON.parse(text, (key, value) => (NOT_FIGURES.has(key) ? undefined : value));
        return { endpoint, status: response.status, body };
      }));
      expect(fromFile.status).toBe(200);
      expect(fromS3).toEqual(fromFile);
    }
  });

  it('counts every stored event of the lake', async () => {
    const [from, to] = RANGES[0].slice(1);
    const summary = (await (await fetch(`${onS3}/api/summary?from=${from}&to=${to}`)).json()) as { events: number; orders: number };
    expect(summary.events).toBe(storedEvents);
    expect(summary.orders).toBeGreaterThan(0);
  });
});
