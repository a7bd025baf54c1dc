import { S3StorageBackend } from './s3-storage-backend';
import { IsString } from 'class-validator';
import { validateSync } from 'class-validator';
import * as path from 'node:path';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { createStorageBackend, IsStorageUrl, parseStorageUrl, resolveStorageUrl } from './storage-factory';

describe('createStorageBackend', () => {
  it('opens file:// URLs with a relative or an absolute path', () => {
    const relative = createStorageBackend({ STORAGE_URL: 'file://data/lake' });
    expect(relative).toBeInstanceOf(LocalFileSystemBackend);
    expect((relative as LocalFileSystemBackend).root).toBe(path.resolve('data/lake'));
    expect((createStorageBackend('file:///srv/lake') as LocalFileSystemBackend).root).toBe('/srv/lake');
  });

  it('defaults to file://data, and DATA_DIR is an alias used only when STORAGE_URL is unset', () => {
    expect(resolveStorageUrl({})).toBe('file://data');
    expect(resolveStorageUrl({ STORAGE_URL: '', DATA_DIR: '/tmp/x' })).toBe('file:///tmp/x');
    expect(resolveStorageUrl({ STORAGE_URL: 'file://a', DATA_DIR: 'b' })).toBe('file://a');
    expect((createStorageBackend({ DATA_DIR: 'rel' }) as LocalFileSystemBackend).root).toBe(path.resolve('rel'));
  });

  it('refuses an unknown scheme or a bare path with a message that says what is supported', () => {
    expect(() => createStorageBackend('ftp://host/x')).toThrow('unknown storage scheme "ftp://" in "ftp://host/x"; supported: file://');
    expect(parseStorageUrl('/srv/lake')).toEqual({ problem: expect.stringContaining('expected <scheme>://<location>') });
    expect(parseStorageUrl('file://')).toEqual({ problem: '"file://" names no location' });
  });

  it('validates a config field at start-up', () => {
    class Settings {
      @IsStorageUrl()
      STORAGE_URL = '';
      @IsString()
      DATA_DIR = '';
    }
    expect(validateSync(new Settings())).toEqual([]);
    const bad = Object.assign(new Settings(), { STORAGE_URL: 'gopher://x' });
    expect(validateSync(bad).flatMap((e) => Object.values(e.constraints ?? {}))).toEqual([
      'unknown storage scheme "gopher://" in "gopher://x"; supported: file://, s3://',
    ]);
  });

  it('opens s3:// URLs on the S3 backend, with the endpoint and region of the settings', () => {
    const backend = createStorageBackend({ STORAGE_URL: 's3://lake-bucket/pipeline/prod', S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_REGION: 'eu-west-1' });
    expect(backend).toBeInstanceOf(S3StorageBackend);
    expect(backend).toMatchObject({ bucket: 'lake-bucket', prefix: 'pipeline/prod' });
  });
});
