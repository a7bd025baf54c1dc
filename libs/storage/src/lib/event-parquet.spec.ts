import { EVENT_COLUMNS, samplePageView, samplePurchase, toEventRow } from '@pipeline/events';
import { ParquetReader } from '@dsnp/parquetjs';
import { encodeEventsParquet, readEventRows, readShopEvents } from './event-parquet';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { decodeParquet, DEFAULT_PARQUET_COMPRESSION, encodeParquet, PARQUET_GZIP_LEVEL, parquetSchemaFor } from './parquet-codec';
import { shopEventFromRow } from './shop-event-from-row';
import { eventStream } from './testing/event-factory';
import { makeTempDir } from './testing/temp-dir';

describe('event Parquet files', () => {
  it('derive the schema from EVENT_COLUMNS with matching types and repetition', () => {
    const schema = parquetSchemaFor(EVENT_COLUMNS);
    expect(schema.fieldList.map((f) => f.name)).toEqual(EVENT_COLUMNS.map((c) => c.name));
    const field = (name: string) => schema.fields[name];
    expect(field('event_id')).toMatchObject({ primitiveType: 'BYTE_ARRAY', originalType: 'UTF8', repetitionType: 'REQUIRED' });
    expect(field('event_time')).toMatchObject({ primitiveType: 'INT64', originalType: 'TIMESTAMP_MILLIS', repetitionType: 'REQUIRED' });
    expect(field('schema_version')).toMatchObject({ primitiveType: 'INT32', repetitionType: 'REQUIRED' });
    expect(field('revenue_cents')).toMatchObject({ primitiveType: 'INT64', repetitionType: 'OPTIONAL' });
    expect(field('quantity')).toMatchObject({ primitiveType: 'INT32', repetitionType: 'OPTIONAL' });
  });

  it.each(['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const)('round-trip every event kind with %s', async (compression) => {
    const events = eventStream(300, '2026-11-27T10:00:00.000Z', 1);
    const bytes = await encodeEventsParquet(events, { compression, rowGroupSize: 64 });
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const reader = await ParquetReader.openBuffer(bytes);
    expect(Number(reader.getRowCount())).toBe(300);
    expect(reader.metadata?.row_groups.length).toBe(5);
    expect(reader.metadata?.row_groups[0].columns[0].meta_data?.codec).toBe(
      { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2 }[compression],
    );
    await reader.close();
    const rows = [];
    for await (const row of decodeParquet(bytes)) rows.push(row);
    expect(rows).toEqual(events.map(toEventRow));
    expect(rows.map(shopEventFromRow)).toEqual(events);
  });

  it('compresses: SNAPPY and GZIP files are smaller than UNCOMPRESSED', async () => {
    const events = eventStream(500, '2026-11-27T10:00:00.000Z', 1);
    const size = async (compression: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED') =>
      (await encodeEventsParquet(events, { compression })).length;
    const plain = await size('UNCOMPRESSED');
    expect(await size('SNAPPY')).toBeLessThan(plain);
    expect(await size('GZIP')).toBeLessThan(plain);
  });

  it('gzips pages at PARQUET_GZIP_LEVEL 1 by default (flat-parquet-writer.spec checks the pages), and the default codec is GZIP', async () => {
    expect(PARQUET_GZIP_LEVEL).toBe(1);
    expect(DEFAULT_PARQUET_COMPRESSION).toBe('GZIP');
    const events = eventStream(500, '2026-11-27T10:00:00.000Z', 1);
    const reader = await ParquetReader.openBuffer(await encodeEventsParquet(events));
    expect(reader.metadata?.row_groups[0].columns[0].meta_data?.codec).toBe(2); // GZIP
    await reader.close();
  });

  it('reads rows and ShopEvents back through a backend', async () => {
    const temp = makeTempDir('pq');
    try {
      const backend = new LocalFileSystemBackend(temp.dir);
      const events = [samplePageView(), samplePurchase()];
      await backend.writeAtomic('x/file.parquet', await encodeEventsParquet(events));
      const rows = [];
      for await (const row of readEventRows(backend, 'x/file.parquet')) rows.push(row);
      expect(rows[1]['revenue_cents']).toBe(3048);
      expect(rows[1]['event_time']).toBe(Date.parse('2026-11-27T10:20:00.000Z'));
      const back = [];
      for await (const event of readShopEvents(backend, 'x/file.parquet')) back.push(event);
      expect(back).toEqual(events);
    } finally {
      temp.cleanup();
    }
  });

  it('rejects a row missing a required column instead of writing a bad file', async () => {
    const row = { ...toEventRow(samplePageView()), event_id: null };
    await expect(encodeParquet(EVENT_COLUMNS, [row])).rejects.toBeDefined();
  });
});
