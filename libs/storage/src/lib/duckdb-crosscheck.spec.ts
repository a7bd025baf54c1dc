import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEventsParquet } from './event-parquet';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { encodeParquet } from './parquet-codec';
import { compactHour } from './hour-compaction';
import { METRIC_TABLE_NAMES } from './metric-tables';
import { listHourPartitions, readMetricTable } from './storage-readers';
import { writeSessionKeyedLake } from './testing/compaction-fixtures';
import { EDGE_COLUMNS, edgeRows } from './testing/edge-rows';
import { eventStream } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';
import { listVisibleEventFilesInRange } from './visible-event-readers';

/**
 * An independent reader (DuckDB) checks what writeFlatParquet wrote and what the rollup computed:
 * schema and values of the raw files, and the metric tables recomputed in SQL from the raw events.
 */
jest.setTimeout(60_000);

const TOPIC = 'ecommerce.events';
const PARTITIONS = 3;
const EVENTS = eventStream(3000, '2026-11-27T10:00:00.000Z', 2, 42);

type Row = Record<string, string | number | boolean | null>;

describe('Parquet files and metric tables, checked with DuckDB', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let backend: LocalFileSystemBackend;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  let rawGlob: string;
  let rawFiles: string;

  const query = async (sql: string): Promise<Row[]> => (await db.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  /**
   * A metric table's Parquet files as one Hive dataset (README "Data on disk"). The folder keys typed explicitly:
   * DuckDB's own guess keeps a zero-padded value (hour=09) as VARCHAR.
   */
  const metricHiveDataset = (table: string) =>
    `read_parquet('${backend.pathOf(`metrics/${table}`)}/**/${table}.parquet', hive_partitioning=true, ` +
    `hive_types={'year': INTEGER, 'month': INTEGER, 'day': INTEGER, 'hour': INTEGER})`;

  beforeAll(async () => {
    temp = makeTempDir('duckdb');
    backend = new LocalFileSystemBackend(temp.dir);
    // Like Kafka: events keyed by session go to one partition, each partition has its own offsets. Default codec
    // (GZIP); the compacted hour is SNAPPY.
    await writeSessionKeyedLake(backend, EVENTS, TOPIC, PARTITIONS);
    // Hour 10 compacted (one file, rows sorted by time), hour 11 as the sink wrote it: DuckDB checks both, reading
    // the visible files only, as every reader must.
    await compactHour(backend, 'year=2026/month=11/day=27/hour=10', { parquet: { compression: 'SNAPPY', rowGroupSize: 200 } });
    const files = (await listVisibleEventFilesInRange(backend)).map((key) => `'${backend.pathOf(key)}'`);
    rawFiles = `[${files.join(', ')}]`;
    rawGlob = `read_parquet(${rawFiles}, hive_partitioning=true)`;
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    await db.run(`CREATE VIEW raw AS SELECT *, date_trunc('hour', event_time) AS event_hour FROM ${rawGlob}`);
  });

  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
    temp?.cleanup();
  });

  it('reads every event back with a TIMESTAMP event_time equal to the input and exact revenue', async () => {
    const [stats] = await query(`
      SELECT count(*) AS n, count(DISTINCT event_id) AS ids, typeof(any_value(event_time)) AS time_type,
             sum(revenue_cents)::VARCHAR AS revenue_cents
      FROM ${rawGlob}`);
    const revenue = EVENTS.reduce((sum, e) => sum + (e.event_type === 'purchase' ? e.revenue_cents : 0), 0);
    expect(stats).toEqual({ n: '3000', ids: '3000', time_type: 'TIMESTAMP', revenue_cents: String(revenue) });

    const times = await query(`SELECT event_id, epoch_ms(event_time)::VARCHAR AS ms FROM raw`);
    const expected = new Map(EVENTS.map((e) => [e.event_id, String(Date.parse(e.event_time))]));
    expect(times).toHaveLength(3000);
    for (const row of times) expect(row['ms']).toBe(expected.get(String(row['event_id'])));
  });

  it('reads both codecs: the sink writes GZIP by default, the compacted hour here is SNAPPY', async () => {
    const codecs = await query(`
      SELECT regexp_extract(file_name, 'hour=(\\d+)', 1) AS hour, list(DISTINCT compression ORDER BY compression) AS codecs
      FROM parquet_metadata(${rawFiles})
      GROUP BY ALL ORDER BY hour`);
    expect(codecs).toEqual([
      { hour: '10', codecs: ['SNAPPY'] },
      { hour: '11', codecs: ['GZIP'] },
    ]);
  });

  it('exposes the Hive partition columns and the declared column types', async () => {
    const partitions = await query(`SELECT DISTINCT year, month, day, hour FROM ${rawGlob} ORDER BY ALL`);
    expect(partitions).toEqual([
      { year: '2026', month: '11', day: '27', hour: '10' },
      { year: '2026', month: '11', day: '27', hour: '11' },
    ]);
    const types = await query(`SELECT column_name, column_type, "null" FROM (DESCRIBE SELECT * FROM ${rawGlob})`);
    const typeOf = Object.fromEntries(types.map((t) => [t['column_name'], t['column_type']]));
    expect(typeOf).toMatchObject({
      event_id: 'VARCHAR',
      schema_version: 'INTEGER',
      event_time: 'TIMESTAMP',
      price_cents: 'BIGINT',
      revenue_cents: 'BIGINT',
      quantity: 'INTEGER',
    });
  });

  it('summary tables equal the same figures computed in SQL from the raw files', async () => {
    const expected = await query(`
      SELECT strftime(event_hour, '%Y-%m-%dT%H:%M:%S.%gZ') AS hour_start,
             count(*) AS events, count(DISTINCT session_id) AS sessions, count(DISTINCT user_id) AS users,
             count(*) FILTER (event_type = 'page_view') AS page_views,
             count(*) FILTER (event_type = 'search') AS searches,
             count(*) FILTER (event_type = 'add_to_cart') AS add_to_carts,
             count(*) FILTER (event_type = 'remove_from_cart') AS remove_from_carts,
             count(*) FILTER (event_type = 'purchase') AS orders,
             coalesce(sum(quantity) FILTER (event_type = 'purchase'), 0) AS units,
             coalesce(sum(revenue_cents), 0) AS revenue_cents,
             CAST(coalesce(sum(revenue_cents), 0) / 100.0 AS DECIMAL(18, 2))::VARCHAR AS revenue
      FROM raw GROUP BY event_hour ORDER BY event_hour`);
    const hours = await listHourPartitions(backend, 'metrics/summary');
    expect(hours).toHaveLength(2);
    for (const [i, hour] of hours.entries()) {
      const [row] = await readMetricTable(backend, 'summary', hour);
      const sql = expected[i];
      expect(row).toMatchObject({
        hour_start: sql['hour_start'],
        revenue: sql['revenue'],
        ...Object.fromEntries(
          ['events', 'sessions', 'users', 'page_views', 'searches', 'add_to_carts', 'remove_from_carts', 'orders', 'units', 'revenue_cents'].map(
            (k) => [k, Number(sql[k])],
          ),
        ),
      });
      const orders = Number(sql['orders']);
      expect(Math.abs(Number(row['avg_order_value']) - Number(sql['revenue_cents']) / orders / 100)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(Number(row['conversion_rate']) - orders / Number(sql['sessions']))).toBeLessThanOrEqual(0.00005);
    }
  });

  it('products tables equal the same figures computed in SQL, in the same order', async () => {
    const itemType = `'[{"product_id":"VARCHAR","name":"VARCHAR","category":"VARCHAR","price_cents":"BIGINT","quantity":"BIGINT"}]'`;
    const expected = await query(`
      WITH lines AS (
        SELECT event_hour, unnest(from_json(items_json, ${itemType})) AS item FROM raw WHERE event_type = 'purchase'
      ), sold AS (
        SELECT event_hour, item.product_id AS product_id, any_value(item.name) AS name, any_value(item.category) AS category,
               sum(item.quantity) AS units, sum(item.price_cents * item.quantity) AS revenue_cents
        FROM lines GROUP BY ALL
      ), touched AS (
        SELECT event_hour, product_id, any_value(product_name) AS name, any_value(category) AS category,
               count(*) FILTER (event_type = 'page_view') AS views, count(*) FILTER (event_type = 'add_to_cart') AS add_to_carts
        FROM raw WHERE product_id IS NOT NULL AND event_type IN ('page_view', 'add_to_cart') GROUP BY ALL
      )
      SELECT strftime(event_hour, '%Y-%m-%dT%H:%M:%S.%gZ') AS hour_start, product_id,
             coalesce(s.name, t.name) AS product_name, coalesce(s.category, t.category) AS category,
             coalesce(views, 0) AS views, coalesce(add_to_carts, 0) AS add_to_carts,
             coalesce(units, 0) AS units, coalesce(revenue_cents, 0) AS revenue_cents,
             CAST(coalesce(revenue_cents, 0) / 100.0 AS DECIMAL(18, 2))::VARCHAR AS revenue
      FROM sold s FULL OUTER JOIN touched t USING (event_hour, product_id)
      ORDER BY event_hour, revenue_cents DESC, product_id`);
    const actual = [];
    for (const hour of await listHourPartitions(backend, 'metrics/products')) actual.push(...(await readMetricTable(backend, 'products', hour)));
    expect(actual.length).toBeGreaterThan(2);
    expect(actual).toEqual(
      expected.map((r) => ({
        ...r,
        views: Number(r['views']),
        add_to_carts: Number(r['add_to_carts']),
        units: Number(r['units']),
        revenue_cents: Number(r['revenue_cents']),
      })),
    );
  });

  it('devices tables equal the same figures computed in SQL', async () => {
    const expected = await query(`
      SELECT strftime(event_hour, '%Y-%m-%dT%H:%M:%S.%gZ') AS hour_start, device_type,
             count(*) AS events, count(*) FILTER (event_type = 'purchase') AS orders, coalesce(sum(revenue_cents), 0) AS revenue_cents,
             CAST(coalesce(sum(revenue_cents), 0) / 100.0 AS DECIMAL(18, 2))::VARCHAR AS revenue
      FROM raw GROUP BY event_hour, device_type ORDER BY event_hour, device_type`);
    const actual = [];
    for (const hour of await listHourPartitions(backend, 'metrics/devices')) actual.push(...(await readMetricTable(backend, 'devices', hour)));
    expect(actual).toEqual(
      expected.map((r) => ({ ...r, events: Number(r['events']), orders: Number(r['orders']), revenue_cents: Number(r['revenue_cents']) })),
    );
  });

  it('metric Parquet tables read as Hive datasets: hour_start TIMESTAMP next to the folder keys, counts BIGINT', async () => {
    // hive_partitioning=true, as an engine reading the lake as a dataset does; only *.parquet (CSV twins share the
    // folders). A table whose column were named `hour` would clash with the folder's hour=HH here.
    const [row] = await query(`
      SELECT typeof(any_value(hour_start)) AS hour_start_type, typeof(any_value(hour)) AS hour_type,
             typeof(any_value(events)) AS events_type, sum(events)::VARCHAR AS events, sum(revenue_cents)::VARCHAR AS cents
      FROM ${metricHiveDataset('summary')}`);
    const [raw] = await query(`SELECT count(*)::VARCHAR AS n, sum(revenue_cents)::VARCHAR AS cents FROM raw`);
    expect(row).toEqual({ hour_start_type: 'TIMESTAMP', hour_type: 'INTEGER', events_type: 'BIGINT', events: raw['n'], cents: raw['cents'] });
  });

  it.each(METRIC_TABLE_NAMES)("%s Parquet with hive_partitioning: each row's hour_start is the start of its folder's hour", async (table) => {
    const rows = await query(`
      SELECT strftime(hour_start, '%Y-%m-%dT%H:%M:%S.%gZ') AS hour_start, year, month, day, hour, count(*) AS n
      FROM ${metricHiveDataset(table)} GROUP BY ALL ORDER BY ALL`);
    // One hour_start per folder, equal to the folder's year/month/day/hour (UTC), for both hours of the lake.
    expect(rows.map((r) => ({ hour_start: r['hour_start'], year: r['year'], month: r['month'], day: r['day'], hour: r['hour'] }))).toEqual([
      { hour_start: '2026-11-27T10:00:00.000Z', year: 2026, month: 11, day: 27, hour: 10 },
      { hour_start: '2026-11-27T11:00:00.000Z', year: 2026, month: 11, day: 27, hour: 11 },
    ]);
    const hours = await listHourPartitions(backend, `metrics/${table}`);
    const csvRows = await Promise.all(hours.map(async (hour) => (await readMetricTable(backend, table, hour)).length));
    expect(rows.map((r) => Number(r['n']))).toEqual(csvRows);
    const [mismatch] = await query(`
      SELECT count(*) FILTER (hour(hour_start) <> hour OR day(hour_start) <> day OR month(hour_start) <> month OR year(hour_start) <> year)::VARCHAR AS n
      FROM ${metricHiveDataset(table)}`);
    expect(mismatch).toEqual({ n: '0' });
  });
});

describe('writeFlatParquet files, read by DuckDB', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  const query = async (sql: string): Promise<Row[]> => (await db.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  const write = (name: string, bytes: Buffer) => {
    const path = join(temp.dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  beforeAll(async () => {
    temp = makeTempDir('duckdb-flat');
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });

  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
    temp?.cleanup();
  });

  it.each(['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const)(
    'reads every value of every column type (dictionary and PLAIN pages, nulls, non-ASCII, int64 extremes) with %s',
    async (compression) => {
      const rows = edgeRows(1000);
      const path = write(`edge-${compression}.parquet`, await encodeParquet(EDGE_COLUMNS, rows, { compression, rowGroupSize: 300 }));
      const encodings = await query(`SELECT DISTINCT path_in_schema AS name, encodings FROM parquet_metadata('${path}') ORDER BY ALL`);
      expect(encodings).toEqual(expect.arrayContaining([{ name: 'id', encodings: 'PLAIN, RLE' }]));
      expect(encodings).toEqual(expect.arrayContaining([{ name: 'label', encodings: 'PLAIN_DICTIONARY, RLE, RLE_DICTIONARY' }]));
      const read = await query(`
        SELECT id, label, small, cents::VARCHAR AS cents, epoch_ms(seen_at)::VARCHAR AS seen_at, never, typeof(seen_at) AS seen_at_type
        FROM read_parquet('${path}')`);
      expect(read).toEqual(
        rows.map((row) => ({
          ...row,
          cents: String(row['cents']),
          seen_at: row['seen_at'] === null ? null : String(row['seen_at']),
          seen_at_type: 'TIMESTAMP',
        })),
      );
    },
  );

  it('prunes on the chunk statistics: min/max and null counts as written', async () => {
    const rows = edgeRows(600);
    const path = write('stats.parquet', await encodeParquet(EDGE_COLUMNS, rows, { rowGroupSize: 600 }));
    const stats = await query(`
      SELECT path_in_schema AS name, stats_min_value AS min, stats_max_value AS max, stats_null_count::VARCHAR AS nulls
      FROM parquet_metadata('${path}') WHERE path_in_schema IN ('label', 'cents', 'never') ORDER BY name`);
    expect(stats).toEqual([
      { name: 'cents', min: String(Number.MIN_SAFE_INTEGER), max: String(Number.MAX_SAFE_INTEGER), nulls: '0' },
      { name: 'label', min: '', max: '🛒 cart', nulls: String(rows.filter((r) => r['label'] === null).length) },
      { name: 'never', min: null, max: null, nulls: '600' },
    ]);
  });

  it('reads an empty file, a one-row file and an event file written without dictionaries', async () => {
    const empty = write('empty.parquet', await encodeParquet(EDGE_COLUMNS, []));
    expect(await query(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${empty}')`)).toEqual([{ n: '0' }]);
    const [row] = edgeRows(1);
    const one = write('one.parquet', await encodeParquet(EDGE_COLUMNS, [row]));
    expect(await query(`SELECT id, label, cents::VARCHAR AS cents FROM read_parquet('${one}')`)).toEqual([
      { id: row['id'], label: row['label'], cents: String(row['cents']) },
    ]);
    const events = EVENTS.slice(0, 500);
    const plain = write('plain.parquet', await encodeEventsParquet(events, { dictionary: false }));
    const [counts] = await query(`SELECT count(*)::VARCHAR AS n, count(DISTINCT event_id)::VARCHAR AS ids, sum(revenue_cents)::VARCHAR AS cents FROM read_parquet('${plain}')`);
    const revenue = events.reduce((sum, e) => sum + (e.event_type === 'purchase' ? e.revenue_cents : 0), 0);
    expect(counts).toEqual({ n: '500', ids: '500', cents: String(revenue) });
  });
});
