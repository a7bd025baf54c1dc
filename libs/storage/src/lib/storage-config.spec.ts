import { loadConfig } from '@pipeline/platform';
import { localStorageFolder, StorageConfig, withLakeWriterSettings } from './storage-config';

class WriterConfig extends withLakeWriterSettings(class {
  OWN_SETTING = 'kept';
}) {}

describe('storage settings', () => {
  it('are read and validated from the environment, in a config of their own or mixed into another', () => {
    expect(loadConfig(StorageConfig, { DATA_DIR: 'lake', AWS_REGION: 'eu-west-1' })).toMatchObject({ DATA_DIR: 'lake', AWS_REGION: 'eu-west-1', STORAGE_URL: '' });
    expect(() => loadConfig(StorageConfig, { STORAGE_URL: 'ftp://x' })).toThrow(/unknown storage scheme "ftp:\/\/"/);
    const writer = loadConfig(WriterConfig, { STORAGE_URL: 's3://bucket/lake', PARQUET_COMPRESSION: 'GZIP' });
    expect(writer).toMatchObject({ OWN_SETTING: 'kept', STORAGE_URL: 's3://bucket/lake' });
    expect(writer.parquet).toEqual({ compression: 'GZIP', rowGroupSize: 10_000 });
    expect(() => loadConfig(WriterConfig, { PARQUET_COMPRESSION: 'LZ4' })).toThrow(/PARQUET_COMPRESSION/);
  });

  it('name a local lake folder to probe, and none for an object store', () => {
    expect(localStorageFolder({})).toBe('data');
    expect(localStorageFolder({ DATA_DIR: '/srv/lake' })).toBe('/srv/lake');
    expect(localStorageFolder({ STORAGE_URL: 'file:///srv/lake' })).toBe('/srv/lake');
    expect(localStorageFolder({ STORAGE_URL: 's3://bucket/lake' })).toBeNull();
  });
});
