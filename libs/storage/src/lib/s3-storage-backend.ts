import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as S3UploadSdk from '@aws-sdk/lib-storage';
import { checkStorageKey, StorageKeyNotFoundError, type KeyVersion, type StorageBackend } from './storage-backend';

/** Where an `s3://bucket/prefix` URL points: the bucket and the key prefix (no leading or trailing '/'; may be ''). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Bucket names as S3 allows them (3-63 chars of a-z, 0-9, '.', '-'), so a typo fails at start-up, not at the first PUT. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket` or `s3://bucket/some/prefix/`; throws with the reason on anything else. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`"${url}" is not an s3://bucket/prefix URL`);
  const [, bucket, rawPrefix = ''] = match;
  if (!BUCKET_NAME.test(bucket)) throw new Error(`"${bucket}" in "${url}" is not a valid S3 bucket name`);
  const prefix = rawPrefix.replace(/\/+$/, '');
  if (prefix !== '') checkStorageKey(prefix);
  return { bucket, prefix };
}

export interface S3StorageOptions extends S3Location {
  /**
   * A non-AWS endpoint (a local server, MinIO, …), e.g. http://127.0.0.1:9000. When set, requests use path-style
   * addressing (http://host/bucket/key): local servers have no per-bucket DNS names.
   */
  endpoint?: string;
  /** Empty: the SDK's region chain (AWS_REGION, profile); us-east-1 for a custom endpoint that needs none. */
  region?: string;
  /** Keys per ListObjectsV2 page (1 … 1000, S3's maximum and default). Tests set it small to exercise paging. */
  listPageSize?: number;
  /** Objects larger than this are uploaded in parts (lib-storage Upload); smaller ones with one PUT. */
  multipartThresholdBytes?: number;
  /** Part size of multipart uploads (S3's minimum is 5 MiB). */
  multipartPartSizeBytes?: number;
  /** Parts uploaded at once per multipart upload. */
  multipartConcurrency?: number;
}

const MIB = 1024 * 1024;
/** The AWS CLI's defaults: multipart above 8 MiB, in 8 MiB parts. */
const DEFAULT_MULTIPART_THRESHOLD = 8 * MIB;
const DEFAULT_PART_SIZE = 8 * MIB;
/** Two writers racing on one `If-None-Match: *` key: AWS may answer 409 to the loser of an in-flight race; retry it. */
const CONDITIONAL_CONFLICT_RETRIES = 5;

let loadedSdk: { s3: typeof S3Sdk; upload: typeof S3UploadSdk } | undefined;

/**
 * The AWS SDK, loaded when the first S3 backend is made rather than when the storage library is: it is ~180 ms of
 * start-up CPU and ~700 files that a processor or reporter on a local lake never uses.
 */
function awsSdk(): { s3: typeof S3Sdk; upload: typeof S3UploadSdk } {
  loadedSdk ??= { s3: require('@aws-sdk/client-s3'), upload: require('@aws-sdk/lib-storage') };
  return loadedSdk;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  if (loadedSdk !== undefined && error instanceof loadedSdk.s3.S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return true;
  return httpStatus(error) === 404 && (error as Error).name !== 'NoSuchBucket';
}

/** A missing key fails the way it does on every backend (StorageKeyNotFoundError), so callers treat "not there" alike. */
function keyNotFoundError(key: string, where: string, cause: unknown): StorageKeyNotFoundError {
  return new StorageKeyNotFoundError(key, { cause: Object.assign(new Error(`no such key in ${where}`), { cause }) });
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * StorageBackend on S3 or an S3-compatible store, below `s3://bucket/prefix`.
 * - writeAtomic is one PUT (or a multipart upload, which becomes visible only when completed): S3 never shows a
 *   partial object, and a PUT that returned is durable and, since 2020, read-after-write consistent for every
 *   reader, listings included.
 * - writeIfAbsent is a PUT with `If-None-Match: *`: the store refuses it (412) if the key exists, atomically.
 * - Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
 *   SSO, instance or task roles); nothing here reads them.
 */
export class S3StorageBackend implements StorageBackend {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Sdk.S3Client;
  private readonly sdk = awsSdk();
  private readonly listPageSize: number;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly multipartConcurrency: number;

  constructor(options: S3StorageOptions) {
    const { bucket, prefix } = parseS3Url(`s3://${options.bucket}/${options.prefix}`);
    this.bucket = bucket;
    this.prefix = prefix;
    this.listPageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(this.listPageSize) || this.listPageSize < 1 || this.listPageSize > 1000) {
      throw new Error(`listPageSize must be an integer in 1 … 1000, got ${options.listPageSize}`);
    }
    this.partSize = Math.max(options.multipartPartSizeBytes ?? DEFAULT_PART_SIZE, 5 * MIB);
    this.multipartThreshold = Math.max(options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD, this.partSize);
    this.multipartConcurrency = options.multipartConcurrency ?? 4;
    this.client = new this.sdk.s3.S3Client({
      endpoint: options.endpoint || undefined,
      forcePathStyle: Boolean(options.endpoint),
      region: options.region || (options.endpoint ? 'us-east-1' : undefined),
    });
  }

  /** `new S3StorageBackend` from an `s3://bucket/prefix` URL. */
  static fromUrl(url: string, options: Omit<S3StorageOptions, keyof S3Location> = {}): S3StorageBackend {
    return new S3StorageBackend({ ...parseS3Url(url), ...options });
  }

  /** The URL this backend writes below, for logs and messages. */
  get url(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** The object key of a storage key. */
  objectKey(key: string): string {
    checkStorageKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  /** The object-key prefix that lists everything below a folder-like storage prefix ('' = all). */
  private folderPrefix(prefix: string): string {
    checkStorageKey(prefix, { allowEmpty: true });
    const full = [this.prefix, prefix].filter(Boolean).join('/');
    return full ? `${full}/` : '';
  }

  async writeAtomic(key: string, bytes: Uint8Array): Promise<void> {
    await this.put(this.objectKey(key), bytes);
  }

  /**
   * Creates the key only if it does not exist yet (PUT with `If-None-Match: *`); false when it exists. Of two
   * writers racing on one key exactly one gets true. Needs a store that supports conditional PUTs (AWS S3 since
   * 2024, versitygw); one that ignores the header would let both win.
   */
  async writeIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const objectKey = this.objectKey(key);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.put(objectKey, bytes, { IfNoneMatch: '*' });
        return true;
      } catch (error) {
        const status = httpStatus(error);
        if (status === 412) return (await this.sdkRetriedAfterOwnWrite(error, objectKey, bytes)) ?? false;
        if (status === 409 && attempt < CONDITIONAL_CONFLICT_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The SDK retries a request whose answer was lost (timeout, reset). If our own first conditional PUT had
   * succeeded, its retry meets our object and gets 412: then the stored bytes are ours. Callers that fence put a
   * writer identity into the bytes, so equal bytes mean this writer. Undefined when the SDK did not retry.
   */
  private async sdkRetriedAfterOwnWrite(error: unknown, objectKey: string, bytes: Uint8Array): Promise<boolean | undefined> {
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if (attempts <= 1) return undefined;
    const response = await this.client.send(new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    const stored = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
    return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).equals(bytes);
  }

  async read(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!response.Body) return Buffer.alloc(0);
      const bytes = await response.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isNotFound(error)) throw keyNotFoundError(key, this.url, error);
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listObjects(prefix)).map((entry) => entry.key);
  }

  /** The version is the ETag (content identity) and the modification time, so a rewrite shows as a new version. */
  async listVersions(prefix: string): Promise<KeyVersion[]> {
    return (await this.listObjects(prefix)).map(({ key, object }) => ({
      key,
      version: `${object.ETag ?? ''}:${object.Size ?? ''}:${object.LastModified?.getTime() ?? ''}`,
    }));
  }

  /**
   * S3 DELETE succeeds whether or not the key exists, so a HEAD first tells which; a concurrent writer could
   * slip in between, which callers (recovery, compaction) never do for one key.
   */
  async remove(key: string): Promise<boolean> {
    const objectKey = this.objectKey(key);
    if (!(await this.exists(key))) return false;
    await this.client.send(new this.sdk.s3.DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    return true;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Aborts multipart uploads below the prefix that were started more than `olderThanMs` ago: what a writer killed
   * mid-upload leaves behind (invisible, but stored and billed). A live upload of ours takes seconds, so an old one
   * belongs to nobody. Returns the keys whose uploads were aborted (a key once per upload).
   */
  async removeStaleTemporaryFiles(olderThanMs: number, nowMs = Date.now()): Promise<string[]> {
    const objectPrefix = this.folderPrefix('');
    const storagePrefixLength = this.prefix ? this.prefix.length + 1 : 0;
    const aborted: string[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await this.client.send(
        new this.sdk.s3.ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: objectPrefix || undefined, ...markers }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
        if (nowMs - upload.Initiated.getTime() <= olderThanMs) continue;
        await this.client.send(new this.sdk.s3.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        aborted.push(upload.Key.slice(storagePrefixLength));
      }
      if (!page.IsTruncated) return aborted;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  /** Closes the client's idle connections (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }

  private async put(objectKey: string, bytes: Uint8Array, conditions: { IfNoneMatch?: string } = {}): Promise<void> {
    const params = { Bucket: this.bucket, Key: objectKey, Body: bytes, ...conditions };
    if (bytes.byteLength <= this.multipartThreshold) {
      await this.client.send(new this.sdk.s3.PutObjectCommand(params));
      return;
    }
    // Upload passes the conditions on to CompleteMultipartUpload: the object appears, or not, only then.
    await new this.sdk.upload.Upload({ client: this.client, params, partSize: this.partSize, queueSize: this.multipartConcurrency }).done();
  }

  /** Every object below a folder-like prefix, all pages, sorted like LocalFileSystemBackend.list. */
  private async listObjects(prefix: string): Promise<{ key: string; object: S3Sdk._Object }[]> {
    const objectPrefix = this.folderPrefix(prefix);
    const storagePrefixLength = this.prefix ? this.prefix.length + 1 : 0;
    const entries: { key: string; object: S3Sdk._Object }[] = [];
    const pages = this.sdk.s3.paginateListObjectsV2(
      { client: this.client, pageSize: this.listPageSize },
      { Bucket: this.bucket, Prefix: objectPrefix || undefined },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        // Keys ending in '/' are "folder" placeholders some tools create; they hold no data.
        if (!object.Key || object.Key.endsWith('/')) continue;
        entries.push({ key: object.Key.slice(storagePrefixLength), object });
      }
    }
    return entries.sort((a, b) => compareCodeUnits(a.key, b.key));
  }
}
