import type { INestApplication } from '@nestjs/common';
import { writeSamplePipelineData, type SamplePipelineData, type SamplePipelineDataOptions } from '@pipeline/ingest/testing';
import { loadConfig } from '@pipeline/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ReporterConfig } from '../app/reporter.config';
import { createReporterApp } from '../app/setup-app';


export interface RunningReporter {
  app: INestApplication;
  config: ReporterConfig;
  baseUrl: string;
  dataDir: string;
  data: SamplePipelineData;
  close(): Promise<void>;
}

/** Six hours of simulated data, stored through the pipeline's code, served by a reporter on a free port. */
export async function startReporterWithData(
  options: { env?: Record<string, string>; data?: Partial<SamplePipelineDataOptions> } = {},
): Promise<RunningReporter> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'reporter-'));
  try {
    const data = await writeSamplePipelineData(dataDir, { startMs: Date.UTC(2026, 10, 27, 6), hours: 6, concurrentSessions: 4, ...options.data });
    // No processor is sampled unless a test names one: a developer's own processor on :3001 must not leak in.
    const config = loadConfig(ReporterConfig, { DATA_DIR: dataDir, CHART_WIDTH: '640', CHART_HEIGHT: '360', PROCESSOR_METRICS_URL: '', ...options.env });
    const app = await createReporterApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      app,
      config,
      baseUrl: `http://127.0.0.1:${port}`,
      dataDir,
      data,
      close: async () => {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
