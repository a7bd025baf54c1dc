export * from './lib/testing/sample-pipeline-data';
