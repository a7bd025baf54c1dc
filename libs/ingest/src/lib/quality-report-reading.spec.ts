import { buildReport, parseQualityReport, reportToJson, type QualityReport } from '@pipeline/quality';
import { hourlyQualityReportKey, LocalFileSystemBackend, PartitionPath } from '@pipeline/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { listQualityHours, readQualityReports } from './quality-reports';

const qualityReportKey = (hour: PartitionPath) => hourlyQualityReportKey(hour, 'json');
const hourReport = (hour: PartitionPath, rowsEvaluated: number, rowsValid: number): QualityReport =>
  buildReport({ scope: 'hour', window: { start: hour.toIsoString(), end: null }, generatedAtMs: hour.endMs, rowsEvaluated, rowsValid, rules: [] });

describe('quality report reader', () => {
  let dir: string;
  let backend: LocalFileSystemBackend;
  const H9 = PartitionPath.parse('year=2026/month=11/day=27/hour=09');
  const H11 = PartitionPath.parse('year=2026/month=11/day=27/hour=11');
  const write = (key: string, text: string) => backend.writeAtomic(key, Buffer.from(text, 'utf8'));

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reporting-quality-'));
    backend = new LocalFileSystemBackend(dir);
    await write(qualityReportKey(H9), reportToJson(hourReport(H9, 10, 10)));
    await write(qualityReportKey(H11), reportToJson(hourReport(H11, 20, 18)));
    // Not hourly reports: the CSV twin, a batch report, a stray file, a folder that is no valid hour.
    await write(qualityReportKey(H9).replace('.json', '.csv'), 'x');
    await write(`quality/${H11}/batches/ecommerce.events+0+00000000000000000000.json`, '{}');
    await write('quality/notes.txt', 'x');
    await write('quality/year=2026/month=02/day=30/hour=01/quality-report.json', '{}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the hours that have a report, within a range', async () => {
    expect((await listQualityHours(backend)).map(String)).toEqual([String(H9), String(H11)]);
    expect((await listQualityHours(backend, H9.endMs, H11.endMs)).map(String)).toEqual([String(H11)]);
    expect(await listQualityHours(new LocalFileSystemBackend(path.join(dir, 'none')))).toEqual([]);
  });

  it('reads the reports of a range and tolerates missing hours', async () => {
    const { reports, unreadable } = await readQualityReports(backend, H9.startMs, H11.endMs);
    expect(reports.map((r) => [r.hour, r.report.summary.rowsValid])).toEqual([
      ['2026-11-27T09:00:00.000Z', 10],
      ['2026-11-27T11:00:00.000Z', 18],
    ]);
    expect(unreadable).toEqual([]);
  });

  it('reports an unreadable file instead of failing the whole range', async () => {
    await write(qualityReportKey(H9), '{"summary": {}}');
    const { reports, unreadable } = await readQualityReports(backend, H9.startMs, H11.endMs);
    expect(reports.map((r) => r.hour)).toEqual(['2026-11-27T11:00:00.000Z']);
    expect(unreadable).toEqual([{ hour: '2026-11-27T09:00:00.000Z', error: 'not a quality report: summary.qualityScore is not a number' }]);
  });

  it('parses what reportToJson writes and refuses other JSON', () => {
    const report = hourReport(H9, 1, 1);
    expect(parseQualityReport(reportToJson(report))).toEqual(report);
    expect(() => parseQualityReport('[]')).toThrow('not an object');
    expect(() => parseQualityReport(reportToJson({ ...report, rules: [{ id: 'x' } as never] }))).toThrow('a rule has no id or status');
    expect(() => parseQualityReport('{')).toThrow(SyntaxError);
  });
});
