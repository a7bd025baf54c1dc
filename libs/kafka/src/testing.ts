export * from './lib/testing/test-broker';
