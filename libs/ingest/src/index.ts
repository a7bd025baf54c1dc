export * from './lib/ingest-batch';
export * from './lib/dead-letter';
export * from './lib/micro-batch-ingestor';
export * from './lib/quality-reports';
export * from './lib/ingest-pipeline';
export * from './lib/storage-dead-letters';
export * from './lib/offline-ingest';
export * from './lib/ndjson-backfill';
