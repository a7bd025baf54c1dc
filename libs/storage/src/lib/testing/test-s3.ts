import { randomBytes } from 'node:crypto';

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
