import { EVENT_COLUMNS, toEventRow, type ShopEvent } from '@pipeline/events';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { encodeEventsParquet } from './event-parquet';
import { FLAT_PARQUET_CREATED_BY } from './flat-parquet-writer';
import { compactHour } from './hour-compaction';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { METRIC_TABLE_COLUMNS, METRIC_TABLE_NAMES, type MetricTableName } from './metric-tables';
import { encodeParquet, type ParquetColumn, type ParquetRow } from './parquet-codec';
import { PartitionPath } from './partition-path';
import { listHourPartitions, readMetricTable } from './storage-readers';
import { metricTableDataset, metricTableKey } from './storage-layout';
import { writeSessionKeyedLake } from './testing/compaction-fixtures';
import { EDGE_COLUMNS, edgeRows } from './testing/edge-rows';
import { eventStream, pageView, search } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';
import { listVisibleEventFilesInRange } from './visible-event-readers';

/**
 * pyarrow (Arrow C++'s Parquet reader, stricter than parquetjs and DuckDB) reads every kind of Parquet file the
 * lake holds, as written by the real writers: the sink's event files (GZIP), a compacted hour (SNAPPY), the
 * metric tables, and writeFlatParquet's edge cases. Every value is compared with what was written, and the
 * chunk statistics with the values. tools/interop/pyarrow_read.py does the reading, in the venv that
 * tools/setup.sh builds from tools/interop/requirements.txt (pinned pyarrow) under .venv-interop/.
 *
 * No pyarrow is a failure, not a skip (CI must prove the files readable). PYARROW_CHECK=skip opts out on a
 * developer machine without Python; PYARROW_PYTHON points at another interpreter with the pinned pyarrow.
 */
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(ROOT, 'tools/interop/pyarrow_read.py');
const PYTHON = process.env['PYARROW_PYTHON'] ?? join(ROOT, '.venv-interop/bin/python');
const PINNED_PYARROW = /^pyarrow==(\S+)$/m.exec(readFileSync(join(ROOT, 'tools/interop/requirements.txt'), 'utf8'))?.[1];

const TOPIC = 'ecommerce.events';
const PARTITIONS = 3;
const TIME_ZERO = '2026-11-27T10:00:00.000Z';

/** Every event kind over two hours, plus text that trips byte-order and encoding bugs: empty, accents, CJK, emoji. */
const EVENTS: ShopEvent[] = [
  ...eventStream(3000, TIME_ZERO, 2, 42),
  search({ n: 3000, time: '2026-11-27T10:59:59.999Z', session: 's-1' }, ''),
  search({ n: 3001, time: '2026-11-27T11:00:00.000Z', session: 's-2' }, 'naïve café 東京 🛒'),
  pageView(
    { n: 3002, time: '2026-11-27T11:30:00.001Z', session: 's-3' },
    { product_id: 'p-ü', name: 'Müsli „Sonne" ｶﾅ', category: 'Frühstück', price_cents: 0, currency: 'EUR' },
  ),
];

type Value = string | number | boolean | null;
interface ChunkRead {
  name: string;
  compression: string;
  encodings: string[];
  has_min_max: boolean;
  min: Value;
  max: Value;
  null_count: number | null;
}
interface FileRead {
  error?: string;
  created_by: string;
  num_rows: number;
  schema: [string, string, boolean][];
  columns: Record<string, Value[]>;
  row_groups: { num_rows: number; columns: ChunkRead[] }[];
}
interface DatasetRead {
  error?: string;
  schema: [string, string, boolean][];
  columns: Record<string, Value[]>;
}
interface PyarrowAnswer {
  pyarrow: string;
  files: Record<string, FileRead>;
  datasets: Record<string, DatasetRead>;
}
interface DatasetRequest {
  name: string;
  source: string | string[];
  base?: string;
  partitioning: 'hive' | null;
}

const ARROW_TYPE: Record<ParquetColumn['type'], string> = {
  string: 'string',
  int32: 'int32',
  int64: 'int64',
  timestamp_millis: 'timestamp[ms, tz=UTC]',
};
const arrowSchemaOf = (columns: readonly ParquetColumn[]) => columns.map((c) => [c.name, ARROW_TYPE[c.type], !c.required]);

/** Columns back into rows (pyarrow answers column by column). */
function rowsOf(columns: Record<string, Value[]>): Record<string, Value>[] {
  const names = Object.keys(columns);
  const count = names.length ? columns[names[0]].length : 0;
  return Array.from({ length: count }, (_, i) => Object.fromEntries(names.map((name) => [name, columns[name][i]])));
}

/** Min and max in the order Parquet statistics use: signed for numbers, unsigned UTF-8 bytes for strings. */
function minMax(values: readonly Value[]): [Value, Value] | undefined {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return undefined;
  const compare = (a: Value, b: Value) =>
    typeof a === 'string' ? Buffer.compare(Buffer.from(a), Buffer.from(String(b))) : (a as number) - (b as number);
  const sorted = [...present].sort(compare);
  return [sorted[0], sorted[sorted.length - 1]];
}

const describeWithPyarrow = process.env['PYARROW_CHECK'] === 'skip' ? describe.skip : describe;

describeWithPyarrow('Parquet files, read by pyarrow', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  let answer: PyarrowAnswer;
  let eventFiles: string[];
  const edgeFiles: Record<string, { path: string; rows: ParquetRow[] }> = {};
  const metricFiles: { table: MetricTableName; hour: string; path: string }[] = [];

  const file = (path: string): FileRead => {
    const read = answer.files[path];
    if (!read) throw new Error(`pyarrow gave no answer for ${path}`);
    if (read.error) throw new Error(`pyarrow could not read ${path}: ${read.error}`);
    return read;
  };
  const dataset = (name: string): DatasetRead => answer.datasets[name];

  beforeAll(async () => {
    if (!existsSync(PYTHON)) {
      throw new Error(
        `pyarrow check: no Python at ${PYTHON}. Run \`bash tools/setup.sh\` (it builds .venv-interop/ from ` +
          'tools/interop/requirements.txt), point PYARROW_PYTHON at a Python with the pinned pyarrow, or set ' +
          'PYARROW_CHECK=skip to opt out on a machine without Python (never in CI).',
      );
    }
    temp = makeTempDir('pyarrow');
    backend = new LocalFileSystemBackend(join(temp.dir, 'lake'));
    // The lake as the processor writes it (GZIP events, metric tables), hour 10 compacted (SNAPPY, sorted).
    await writeSessionKeyedLake(backend, EVENTS, TOPIC, PARTITIONS);
    await compactHour(backend, 'year=2026/month=11/day=27/hour=10', { parquet: { compression: 'SNAPPY', rowGroupSize: 500 } });
    eventFiles = (await listVisibleEventFilesInRange(backend)).map((key) => backend.pathOf(key));
    for (const table of METRIC_TABLE_NAMES) {
      for (const hour of await listHourPartitions(backend, `metrics/${table}`)) {
        metricFiles.push({ table, hour: String(hour), path: backend.pathOf(metricTableKey(table, hour, 'parquet')) });
      }
    }

    // writeFlatParquet's edge cases: every column type, extremes, nulls, non-ASCII, each codec, PLAIN only, empty.
    const writeEdge = async (name: string, rows: ParquetRow[], options: Parameters<typeof encodeParquet>[2]) => {
      const path = join(temp.dir, `${name}.parquet`);
      writeFileSync(path, await encodeParquet(EDGE_COLUMNS, rows, options));
      edgeFiles[name] = { path, rows };
    };
    for (const compression of ['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const) {
      await writeEdge(`edge-${compression}`, edgeRows(1000), { compression, rowGroupSize: 300 });
    }
    await writeEdge('edge-plain', edgeRows(500), { dictionary: false });
    await writeEdge('edge-one-row', edgeRows(1), {});
    await writeEdge('edge-empty', [], {});
    const plainEvents = join(temp.dir, 'events-plain.parquet');
    writeFileSync(plainEvents, await encodeEventsParquet(EVENTS.slice(0, 700), { dictionary: false, compression: 'SNAPPY' }));
    edgeFiles['events-plain'] = { path: plainEvents, rows: EVENTS.slice(0, 700).map(toEventRow) };

    // Lists of files: the visible event files (README: never a glob while compaction may run); the metric
    // folders also hold the CSV twins, which a folder-wide dataset would try to read as Parquet.
    const datasets: DatasetRequest[] = [
      { name: 'events', source: eventFiles, base: backend.pathOf('events'), partitioning: 'hive' },
      // Every metric table as one Hive dataset, as Spark, Trino or Athena read it: the folder keys next to the columns.
      ...METRIC_TABLE_NAMES.map((table): DatasetRequest => ({
        name: `${table}-hive`,
        source: metricFiles.filter((m) => m.table === table).map((m) => m.path),
        base: backend.pathOf(metricTableDataset(table)),
        partitioning: 'hive',
      })),
    ];
    // A summary table as written before the column rename (`hour`, not `hour_start`), in a lake of its own: the
    // clash the rename removes.
    const legacy = new LocalFileSystemBackend(join(temp.dir, 'legacy-lake'));
    const legacyHour = PartitionPath.parse('year=2026/month=11/day=27/hour=10');
    const legacyColumns = METRIC_TABLE_COLUMNS.summary.map((c) => (c.name === 'hour_start' ? { ...c, name: 'hour' } : c));
    const legacyRow = Object.fromEntries(legacyColumns.map((c) => [c.name, c.type === 'string' ? '' : c.type === 'int64' ? 1 : legacyHour.startMs]));
    await legacy.writeAtomic(metricTableKey('summary', legacyHour, 'parquet'), await encodeParquet(legacyColumns, [legacyRow]));
    datasets.push({
      name: 'legacy-summary-hive',
      source: [legacy.pathOf(metricTableKey('summary', legacyHour, 'parquet'))],
      base: legacy.pathOf(metricTableDataset('summary')),
      partitioning: 'hive',
    });
    const request = join(temp.dir, 'request.json');
    const files = [...eventFiles, ...metricFiles.map((m) => m.path), ...Object.values(edgeFiles).map((e) => e.path)];
    writeFileSync(request, JSON.stringify({ files, datasets }));
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, request], { maxBuffer: 256 * 1024 * 1024 });
    answer = JSON.parse(stdout) as PyarrowAnswer;
  });

  afterAll(() => temp?.cleanup());

  it('is the pinned pyarrow, and reads every file with the honest created_by', () => {
    expect(answer.pyarrow).toBe(PINNED_PYARROW);
    const failures = Object.entries(answer.files).filter(([, read]) => read.error);
    expect(failures).toEqual([]);
    expect(Object.keys(answer.files).length).toBeGreaterThanOrEqual(eventFiles.length + metricFiles.length + 7);
    for (const read of Object.values(answer.files)) expect(read.created_by).toBe(FLAT_PARQUET_CREATED_BY);
  });

  it.each(['edge-GZIP', 'edge-SNAPPY', 'edge-UNCOMPRESSED', 'edge-plain', 'edge-one-row', 'edge-empty', 'events-plain'])(
    'reads %s with the declared types and every value as written',
    (name) => {
      const { path, rows } = edgeFiles[name];
      const read = file(path);
      expect(read.schema).toEqual(arrowSchemaOf(name === 'events-plain' ? EVENT_COLUMNS : EDGE_COLUMNS));
      expect(read.num_rows).toBe(rows.length);
      expect(rowsOf(read.columns)).toEqual(rows);
      const codec = /edge-(GZIP|SNAPPY|UNCOMPRESSED)/.exec(name)?.[1] ?? (name === 'events-plain' ? 'SNAPPY' : 'GZIP');
      for (const group of read.row_groups) for (const chunk of group.columns) expect(chunk.compression).toBe(codec);
    },
  );

  it('sees dictionary pages where the writer made them and PLAIN elsewhere', () => {
    const [group] = file(edgeFiles['edge-GZIP'].path).row_groups;
    const encodings = Object.fromEntries(group.columns.map((c) => [c.name, c.encodings]));
    expect(encodings['label']).toEqual(expect.arrayContaining(['RLE_DICTIONARY']));
    expect(encodings['id']).not.toContain('RLE_DICTIONARY');
    const plain = file(edgeFiles['edge-plain'].path).row_groups[0].columns;
    for (const chunk of plain) expect(chunk.encodings).not.toContain('RLE_DICTIONARY');
  });

  it('trusts the chunk statistics: min/max (unsigned byte order for text) and null counts match the values', () => {
    const checked = [...Object.values(edgeFiles).map((e) => e.path), ...eventFiles, ...metricFiles.map((m) => m.path)];
    let chunks = 0;
    for (const path of checked) {
      const read = file(path);
      let start = 0;
      for (const group of read.row_groups) {
        for (const chunk of group.columns) {
          const values = read.columns[chunk.name].slice(start, start + group.num_rows);
          const expected = minMax(values);
          expect({ path, name: chunk.name, has_min_max: chunk.has_min_max, min: chunk.min, max: chunk.max }).toEqual({
            path,
            name: chunk.name,
            has_min_max: expected !== undefined,
            min: expected?.[0] ?? null,
            max: expected?.[1] ?? null,
          });
          expect(chunk.null_count).toBe(values.filter((v) => v === null).length);
          chunks++;
        }
        start += group.num_rows;
      }
    }
    expect(chunks).toBeGreaterThan(500);
  });

  it('reads every event file of the lake: each event once, every column equal to the event written', () => {
    const expected = new Map(EVENTS.map((event) => [event.event_id, toEventRow(event)]));
    const seen = new Set<string>();
    const codecs = new Map<string, Set<string>>();
    for (const path of eventFiles) {
      const read = file(path);
      expect(read.schema).toEqual(arrowSchemaOf(EVENT_COLUMNS));
      for (const row of rowsOf(read.columns)) {
        const id = String(row['event_id']);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
        expect(row).toEqual(expected.get(id));
      }
      const hour = /hour=(\d+)/.exec(path)?.[1] ?? '';
      for (const group of read.row_groups) for (const chunk of group.columns) codecs.set(hour, (codecs.get(hour) ?? new Set()).add(chunk.compression));
    }
    expect(seen.size).toBe(EVENTS.length);
    expect(Object.fromEntries([...codecs].map(([hour, set]) => [hour, [...set]]))).toEqual({ '10': ['SNAPPY'], '11': ['GZIP'] });
  });

  it('reads the visible event files as one Hive-partitioned dataset: year/month/day/hour int32, equal to event_time', () => {
    const read = dataset('events');
    expect(read.error).toBeUndefined();
    // No clash: the event files have no column named like a folder key.
    expect(read.schema).toEqual([...arrowSchemaOf(EVENT_COLUMNS), ...['year', 'month', 'day', 'hour'].map((k) => [k, 'int32', true])]);
    const rows = rowsOf(read.columns);
    expect(rows).toHaveLength(EVENTS.length);
    for (const row of rows) {
      const time = new Date(Number(row['event_time']));
      expect([row['year'], row['month'], row['day'], row['hour']]).toEqual([
        time.getUTCFullYear(),
        time.getUTCMonth() + 1,
        time.getUTCDate(),
        time.getUTCHours(),
      ]);
    }
  });

  it('reads every metric table equal to its CSV: hour_start as UTC timestamp, counts int64, money and ratios as text', async () => {
    expect(metricFiles).toHaveLength(METRIC_TABLE_NAMES.length * 2);
    for (const { table, hour, path } of metricFiles) {
      const read = file(path);
      expect(read.schema).toEqual(arrowSchemaOf(METRIC_TABLE_COLUMNS[table]));
      const csv = await readMetricTable(backend, table, hour);
      expect(csv.length).toBeGreaterThan(0);
      expect(rowsOf(read.columns)).toEqual(csv.map((row) => ({ ...row, hour_start: Date.parse(String(row['hour_start'])) })));
    }
  });

  it.each(METRIC_TABLE_NAMES)(
    '%s Parquet files read as one Hive-partitioned dataset: hour_start timestamp plus the folder keys, which agree',
    async (table) => {
      const read = dataset(`${table}-hive`);
      expect(read.error).toBeUndefined();
      const folderKeys = ['year', 'month', 'day', 'hour'].map((k) => [k, 'int32', true]);
      expect(read.schema).toEqual([...arrowSchemaOf(METRIC_TABLE_COLUMNS[table]), ...folderKeys]);
      const rows = rowsOf(read.columns);
      const csvRows = [];
      for (const hour of await listHourPartitions(backend, `metrics/${table}`)) csvRows.push(...(await readMetricTable(backend, table, hour)));
      expect(rows).toHaveLength(csvRows.length);
      const hoursSeen = new Set<number>();
      for (const row of rows) {
        const start = new Date(Number(row['hour_start']));
        expect([row['year'], row['month'], row['day'], row['hour']]).toEqual([
          start.getUTCFullYear(),
          start.getUTCMonth() + 1,
          start.getUTCDate(),
          start.getUTCHours(),
        ]);
        expect(start.getTime() % 3_600_000).toBe(0);
        hoursSeen.add(Number(row['hour']));
      }
      expect([...hoursSeen].sort((a, b) => a - b)).toEqual([10, 11]);
    },
  );

  it('summary as one Hive dataset adds up to the events; the old column name `hour` clashed with the folder', () => {
    const read = dataset('summary-hive');
    expect(read.columns['events'].reduce((sum, n) => Number(sum) + Number(n), 0)).toBe(EVENTS.length);
    expect(dataset('legacy-summary-hive').error).toMatch(/Field hour has incompatible types/);
  });
});
