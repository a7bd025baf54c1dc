import { ValidateBy, type ValidationOptions } from 'class-validator';
import { LocalFileSystemBackend } from './local-file-system-backend';
import { S3StorageBackend } from './s3-storage-backend';
import type { StorageBackend } from './storage-backend';

/** Where the lake lives when nothing is configured: `data/` under the working folder. */
export const DEFAULT_STORAGE_URL = 'file://data';

/** A parsed STORAGE_URL: `file://data` is scheme `file`, location `data`; `file:///srv/lake` has location `/srv/lake`. */
export interface StorageLocation {
  url: string;
  scheme: string;
  /** Everything after `<scheme>://`: a path for `file`, `bucket/prefix` for an object store. */
  location: string;
}

/**
 * One line per backend: the scheme of STORAGE_URL and how to open it. Adding a backend is its module plus a line here.
 * `file://` takes a relative path (`file://data`, resolved against the working folder) or an absolute one
 * (`file:///srv/lake`): not a WHATWG file URL, whose `file://data` would name a host.
 */
const BACKENDS: Readonly<Record<string, (target: StorageLocation, settings: StorageSettings) => StorageBackend>> = {
  file: (target) => new LocalFileSystemBackend(target.location),
  // Credentials come from the AWS SDK's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, roles).
  s3: (target, settings) => S3StorageBackend.fromUrl(target.url, { endpoint: settings.S3_ENDPOINT || undefined, region: settings.AWS_REGION || undefined }),
};

/** The storage settings an app reads (see README "Configuration"). */
export interface StorageSettings {
  /** `file://data`, `file:///abs/path`, `s3://bucket/prefix`; empty means "not set". */
  STORAGE_URL?: string;
  /** The older setting, kept as an alias of `STORAGE_URL=file://<DATA_DIR>`; ignored when STORAGE_URL is set. */
  DATA_DIR?: string;
  /** For `s3://`: a non-AWS endpoint (local server, MinIO, Ceph), e.g. http://127.0.0.1:9000; path-style when set. */
  S3_ENDPOINT?: string;
  /** For `s3://`: the region; empty means the SDK's chain (us-east-1 for a custom endpoint). */
  AWS_REGION?: string;
}

/** STORAGE_URL if set, else `file://<DATA_DIR>` if that is set, else the default. */
export function resolveStorageUrl(settings: StorageSettings): string {
  if (settings.STORAGE_URL) return settings.STORAGE_URL;
  if (settings.DATA_DIR) return `file://${settings.DATA_DIR}`;
  return DEFAULT_STORAGE_URL;
}

/** The URL split into scheme and location, or an error message naming what is wrong (for config validation). */
export function parseStorageUrl(url: string): StorageLocation | { problem: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!match) return { problem: `"${url}" is not a storage URL: expected <scheme>://<location>, e.g. ${DEFAULT_STORAGE_URL}` };
  const scheme = match[1].toLowerCase();
  if (!(scheme in BACKENDS)) {
    return { problem: `unknown storage scheme "${scheme}://" in "${url}"; supported: ${Object.keys(BACKENDS).map((s) => `${s}://`).join(', ')}` };
  }
  if (match[2] === '') return { problem: `"${url}" names no location` };
  return { url, scheme, location: match[2] };
}

/** Opens the backend the settings name. Throws on a URL `parseStorageUrl` refuses (config validation reports it first). */
export function createStorageBackend(settings: StorageSettings | string): StorageBackend {
  const url = typeof settings === 'string' ? settings : resolveStorageUrl(settings);
  const parsed = parseStorageUrl(url);
  if ('problem' in parsed) throw new Error(`STORAGE_URL: ${parsed.problem}`);
  return BACKENDS[parsed.scheme](parsed, typeof settings === 'string' ? {} : settings);
}

/** class-validator rule for a STORAGE_URL setting: empty (not set) or a URL of a known scheme. */
export function IsStorageUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorageUrl',
      validator: {
        validate: (value: unknown) => value === '' || (typeof value === 'string' && !('problem' in parseStorageUrl(value))),
        defaultMessage: (args) => {
          const parsed = typeof args?.value === 'string' ? parseStorageUrl(args.value) : { problem: 'must be text' };
          return 'problem' in parsed ? parsed.problem : 'invalid storage URL';
        },
      },
    },
    options,
  );
}
