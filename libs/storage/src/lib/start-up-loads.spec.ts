/**
 * What loading the storage library costs a process on a local lake: the AWS SDK (~180 ms of start-up CPU) and the
 * Parquet reader (~85 ms) are loaded when first used, not with the library. Each forbidden module is replaced by a
 * factory that records the load, in a module registry of the test's own.
 */
import type { ParquetColumn } from './parquet-codec';

const COLUMNS: ParquetColumn[] = [{ name: 'n', type: 'int64', required: true }];

describe('loading the storage library', () => {
  function modulesLoadedBy(use: (storage: typeof import('../index')) => unknown): Promise<string[]> {
    const loaded: string[] = [];
    return new Promise((resolve, reject) => {
      jest.isolateModules(() => {
        for (const name of ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@dsnp/parquetjs/dist/lib/reader', '@dsnp/parquetjs']) {
          jest.doMock(name, () => {
            loaded.push(name);
            return jest.requireActual(name);
          });
        }
        Promise.resolve(use(require('../index') as typeof import('../index'))).then(() => resolve(loaded), reject);
      });
    });
  }

  it('does not load the AWS SDK or the Parquet reader to write a local lake', async () => {
    const loaded = await modulesLoadedBy(async (storage) => {
      const bytes = await storage.encodeParquet(COLUMNS, [{ n: 1 }]);
      expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
      storage.createStorageBackend('file:///tmp/never-written');
    });
    expect(loaded).toEqual([]);
  });

  it('loads them when an S3 backend is made and when Parquet is read', async () => {
    const loaded = await modulesLoadedBy(async (storage) => {
      storage.createStorageBackend('s3://lake/prefix');
      const bytes = await storage.encodeParquet(COLUMNS, [{ n: 7 }]);
      const rows = [];
      for await (const row of storage.decodeParquet(bytes)) rows.push(row);
      expect(rows).toEqual([{ n: 7 }]);
    });
    expect([...new Set(loaded)].sort()).toEqual(['@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@dsnp/parquetjs/dist/lib/reader']);
  });
});
