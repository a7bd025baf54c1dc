import { IsIn, IsInt, IsString, Min } from 'class-validator';
import { DEFAULT_PARQUET_COMPRESSION, PARQUET_COMPRESSION_CODECS, type ParquetCompressionCodec, type ParquetEncodingOptions } from './parquet-codec';
import { IsStorageUrl, parseStorageUrl, resolveStorageUrl, type StorageSettings } from './storage-factory';

/** What a config class mixin extends: any class with a no-argument constructor (TypeScript wants `any[]` here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConfigClass = new (...args: any[]) => object;

/** Adds where the lake is (STORAGE_URL and its companions, see README "Configuration") to an app's config class. */
export function withStorageSettings<TBase extends ConfigClass>(Base: TBase) {
  class WithStorageSettings extends Base implements StorageSettings {
    /** Where the lake is: `file://data` (default), `file:///abs/path`, `s3://bucket/prefix`. */
    @IsStorageUrl()
    STORAGE_URL = '';

    /** Older alias: `DATA_DIR=x` means `STORAGE_URL=file://x`; ignored when STORAGE_URL is set. */
    @IsString()
    DATA_DIR = '';

    /** For `s3://` lakes on a non-AWS store (local server, MinIO, Ceph): its URL; requests then use path-style. */
    @IsString()
    S3_ENDPOINT = '';

    /** For `s3://` lakes: the region; empty = the AWS SDK's chain (profile), us-east-1 with S3_ENDPOINT. */
    @IsString()
    AWS_REGION = '';
  }
  return WithStorageSettings;
}

/** Adds the lake's settings and how Parquet files are written, for apps that write the lake. */
export function withLakeWriterSettings<TBase extends ConfigClass>(Base: TBase) {
  class WithLakeWriterSettings extends withStorageSettings(Base) {
    @IsIn([...PARQUET_COMPRESSION_CODECS])
    PARQUET_COMPRESSION: ParquetCompressionCodec = DEFAULT_PARQUET_COMPRESSION;

    @IsInt() @Min(100)
    PARQUET_ROW_GROUP_SIZE = 10_000;

    get parquet(): ParquetEncodingOptions {
      return { compression: this.PARQUET_COMPRESSION, rowGroupSize: this.PARQUET_ROW_GROUP_SIZE };
    }
  }
  return WithLakeWriterSettings;
}

/** The lake's settings alone, for a config that extends nothing else. */
export class StorageConfig extends withStorageSettings(class {}) {}

/** The lake's folder when it is local (to probe why a write failed there); null for an object store. */
export function localStorageFolder(settings: StorageSettings): string | null {
  const parsed = parseStorageUrl(resolveStorageUrl(settings));
  return 'problem' in parsed || parsed.scheme !== 'file' ? null : parsed.location;
}
