// Reads back what the processor stored: bytes on disk per dataset, and per-event "event time -> durable" latency.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import parquet from '@dsnp/parquetjs';

export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** Bytes per top-level dataset folder (events, partials, metrics, quality, ...). */
export function bytesByDataset(dataDir) {
  const sizes = {};
  for (const file of listFiles(dataDir)) {
    const dataset = relative(dataDir, file).split('/')[0];
    sizes[dataset] = (sizes[dataset] ?? 0) + statSync(file).size;
  }
  return sizes;
}

/** The same for a lake on S3 (STORAGE_URL=s3://bucket/prefix, S3_ENDPOINT, keys from the environment). */
export async function bytesByDatasetS3(url) {
  const { S3Client, paginateListObjectsV2 } = await import('@aws-sdk/client-s3');
  const [bucket, ...rest] = url.slice('s3://'.length).split('/');
  const prefix = rest.filter(Boolean).join('/');
  const client = new S3Client({ endpoint: process.env.S3_ENDPOINT || undefined, forcePathStyle: Boolean(process.env.S3_ENDPOINT), region: process.env.AWS_REGION || 'us-east-1' });
  const sizes = {};
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix ? `${prefix}/` : '' })) {
      for (const object of page.Contents ?? []) {
        const dataset = object.Key.slice(prefix ? prefix.length + 1 : 0).split('/')[0];
        sizes[dataset] = (sizes[dataset] ?? 0) + (object.Size ?? 0);
      }
    }
  } finally {
    client.destroy();
  }
  return sizes;
}

/**
 * Latency of every stored event = the moment its Parquet file got its final name - its event_time.
 * The sink writes a temp file, fsyncs it, renames it into place and fsyncs the folder; Linux sets the inode's
 * ctime on the rename, so ctime is when the file became visible and durable (the offset commit follows within
 * milliseconds). event_time is stamped by the generator from the real clock when the event is created.
 */
export async function eventLatencies(dataDir) {
  const latencies = [];
  const files = listFiles(join(dataDir, 'events')).filter((f) => f.endsWith('.parquet'));
  for (const file of files) {
    const durableAtMs = statSync(file).ctimeMs;
    const reader = await parquet.ParquetReader.openFile(file);
    try {
      const cursor = reader.getCursor(['event_time']);
      for (let row = await cursor.next(); row; row = await cursor.next()) {
        latencies.push(durableAtMs - row.event_time.getTime());
      }
    } finally {
      await reader.close();
    }
  }
  return { files: files.length, latencies };
}

export function percentiles(values) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1], min: sorted[0] };
}
