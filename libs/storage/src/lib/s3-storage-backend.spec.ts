import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { parseS3Url, S3StorageBackend } from './s3-storage-backend';
import { testS3Server, uniqueTestS3Url } from './testing/test-s3';

describe('parseS3Url', () => {
  it('splits a URL into bucket and prefix, without slashes at the ends', () => {
    expect(parseS3Url('s3://lake')).toEqual({ bucket: 'lake', prefix: '' });
    expect(parseS3Url('s3://lake/')).toEqual({ bucket: 'lake', prefix: '' });
    expect(parseS3Url('s3://my.lake-1/shop/events/')).toEqual({ bucket: 'my.lake-1', prefix: 'shop/events' });
  });

  it('refuses what is not an s3:// URL, a bad bucket name or a prefix that is not a clean key', () => {
    for (const url of ['file://data', 'lake/prefix', 's3:/lake', 's3://', 's3://UPPER', 's3://ab', 's3://lake/a//b', 's3://lake/../x']) {
      expect(() => parseS3Url(url)).toThrow();
    }
  });
});

/** Against the real local S3 server (`npm test` starts it); what the shared contract spec cannot see. */
describe('S3StorageBackend on the local S3 server', () => {
  const server = testS3Server();
  const { bucket } = parseS3Url(server.url);
  /** An independent client, as another tool (Spark, the AWS CLI) would see the bucket. */
  const observer = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: process.env['AWS_REGION'] || 'us-east-1' });
  const opened: S3StorageBackend[] = [];
  const open = (url: string, options = {}) => {
    const backend = S3StorageBackend.fromUrl(url, { endpoint: server.endpoint, ...options });
    opened.push(backend);
    return backend;
  };

  afterAll(() => {
    opened.forEach((backend) => backend.destroy());
    observer.destroy();
  });

  it('stores keys below the URL\'s prefix, where any S3 client finds them, and sees nothing outside it', async () => {
    const url = uniqueTestS3Url('prefix');
    const { prefix } = parseS3Url(url);
    const backend = open(url);
    const neighbour = open(`${url}-neighbour`);
    await backend.writeAtomic('events/year=2026/hour=01/t+0+00000000000000000007.parquet', Buffer.from('x'));
    await neighbour.writeAtomic('events/other.json', Buffer.from('y'));

    const listed = await observer.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`${prefix}/events/year=2026/hour=01/t+0+00000000000000000007.parquet`]);
    expect(await backend.list('')).toEqual(['events/year=2026/hour=01/t+0+00000000000000000007.parquet']);
    expect(await neighbour.list('')).toEqual(['events/other.json']);
    expect(await neighbour.exists('events/year=2026/hour=01/t+0+00000000000000000007.parquet')).toBe(false);
  });

  it('uploads a large object in parts and a small one with a single PUT', async () => {
    const url = uniqueTestS3Url('multipart');
    const { prefix } = parseS3Url(url);
    const backend = open(url);
    await backend.writeAtomic('large.bin', randomBytes(9 * 1024 * 1024));
    await backend.writeAtomic('small.bin', randomBytes(1024));
    const head = (key: string) => observer.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}` }));
    // A multipart object's ETag is the hash of its parts' hashes followed by "-<part count>".
    expect((await head('large.bin')).ETag).toMatch(/-2"$/);
    expect((await head('small.bin')).ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('fails loudly, not as an empty lake, when the bucket does not exist', async () => {
    const backend = open(`s3://no-such-bucket-${randomBytes(4).toString('hex')}/x`);
    await expect(backend.list('events')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(backend.read('events/a.json')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('reports a conditional write as won when its answer was lost and the SDK\'s retry met the object it had created', async () => {
    const upstream = new URL(server.endpoint);
    const proxy = await responseDroppingProxy(Number(upstream.port), upstream.hostname);
    try {
      const url = uniqueTestS3Url('lost-answer');
      const backend = open(url, { endpoint: `http://127.0.0.1:${proxy.port}` });
      const direct = open(url);
      proxy.dropNextResponse();
      expect(await backend.writeIfAbsent('marker.json', Buffer.from('writer A'))).toBe(true);
      expect(proxy.dropped()).toBe(1);
      expect((await direct.read('marker.json')).toString()).toBe('writer A');
      // Another writer's bytes behind a lost answer are still a loss.
      proxy.dropNextResponse();
      expect(await backend.writeIfAbsent('marker.json', Buffer.from('writer B'))).toBe(false);
      expect((await direct.read('marker.json')).toString()).toBe('writer A');
    } finally {
      await proxy.close();
    }
  });

  it('aborts multipart uploads a killed writer left unfinished, once they are old, and only below its prefix', async () => {
    const url = uniqueTestS3Url('sweep');
    const { prefix } = parseS3Url(url);
    const backend = open(url);
    // Two uploads started and never completed, as by a writer killed mid-upload; one outside the prefix.
    const startUpload = async (key: string) => {
      const { UploadId } = await observer.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await observer.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1024) }));
      return UploadId;
    };
    await startUpload(`${prefix}/events/hour=01/a.parquet`);
    await startUpload(`${prefix}-other/events/b.parquet`);
    const pending = async (keyPrefix: string) =>
      ((await observer.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: keyPrefix }))).Uploads ?? []).map((u) => u.Key);

    expect(await backend.removeStaleTemporaryFiles(3_600_000)).toEqual([]);
    expect(await pending(`${prefix}/`)).toEqual([`${prefix}/events/hour=01/a.parquet`]);
    expect(await backend.removeStaleTemporaryFiles(3_600_000, Date.now() + 2 * 3_600_000)).toEqual(['events/hour=01/a.parquet']);
    expect(await pending(`${prefix}/`)).toEqual([]);
    expect(await pending(`${prefix}-other/`)).toEqual([`${prefix}-other/events/b.parquet`]);
    expect(await backend.list('')).toEqual([]);
  });

  it('refuses a list page size S3 does not allow', () => {
    expect(() => open(uniqueTestS3Url('paging'), { listPageSize: 0 })).toThrow(/listPageSize/);
    expect(() => open(uniqueTestS3Url('paging'), { listPageSize: 1001 })).toThrow(/listPageSize/);
  });
});

/**
 * A TCP proxy in front of the real server that can swallow the next response and cut the connection, as a network
 * failure after the server acted would: the request reached the server, the client never hears back.
 */
async function responseDroppingProxy(targetPort: number, targetHost: string) {
  let dropArmed = false;
  let dropped = 0;
  const connections = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const target = connect(targetPort, targetHost);
    connections.add(client).add(target);
    client.pipe(target);
    target.on('data', (chunk) => {
      if (dropArmed) {
        dropArmed = false;
        dropped++;
        client.destroy();
        target.destroy();
        return;
      }
      client.write(chunk);
    });
    target.on('end', () => client.end());
    target.on('error', () => client.destroy());
    client.on('error', () => target.destroy());
    client.on('close', () => target.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    dropNextResponse: () => (dropArmed = true),
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        // The SDK keeps connections alive; close() alone would wait for them.
        connections.forEach((socket) => socket.destroy());
        proxy.close(() => resolve());
      }),
  };
}
