export * from './lib/testing/test-s3';
