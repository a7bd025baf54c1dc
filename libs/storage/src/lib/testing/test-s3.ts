import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseS3Url } from '../s3-storage-backend';

/** The real local S3 server tests run against; `npm test` starts one (tools/s3/s3.sh) and exports these. */
export interface TestS3Server {
  /** s3://bucket of the test server; each test works below a prefix of its own (uniqueTestS3Url). */
  url: string;
  endpoint: string;
}

/**
 * Reads TEST_S3_URL and S3_ENDPOINT (credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by the SDK).
 * Running one project's tests by hand needs a server first; the message says how.
 */
export function testS3Server(): TestS3Server {
  const url = process.env['TEST_S3_URL'];
  const endpoint = process.env['S3_ENDPOINT'];
  if (!url || !endpoint) {
    throw new Error(
      'TEST_S3_URL / S3_ENDPOINT are not set: S3 tests need the real local S3 server. Run `npm test`, or start one with ' +
        '`S3_PORT=19300 npm run s3 start` and `eval "$(S3_PORT=19300 npm run -s s3 env)"; export TEST_S3_URL=$STORAGE_URL`',
    );
  }
  return { url: url.replace(/\/+$/, ''), endpoint };
}

/** An s3:// URL below the test server's bucket that no other test run uses, so tests never see each other's keys. */
export function uniqueTestS3Url(label: string): string {
  return `${testS3Server().url}/test-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Every object below `<url's prefix>/<below>` fetched with a plain S3 client (not the code under test's backend) into
 * `into/<key below the url's prefix>`, so tests can check the lake with file tools and DuckDB. Returns the keys.
 */
export async function downloadS3Prefix(url: string, below: string, into: string): Promise<string[]> {
  const { bucket, prefix } = parseS3Url(url);
  const client = new S3Client({ endpoint: testS3Server().endpoint, forcePathStyle: true, region: process.env['AWS_REGION'] || 'us-east-1' });
  const keys: string[] = [];
  const keyPrefix = prefix ? `${prefix}/` : '';
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${keyPrefix}${below}` })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key as string;
        keys.push(key);
        const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray();
        const file = join(into, key.slice(keyPrefix.length));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, body ?? new Uint8Array(0));
      }
    }
  } finally {
    client.destroy();
  }
  return keys;
}
