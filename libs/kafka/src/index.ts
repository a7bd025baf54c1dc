export * from './lib/topics';
export * from './lib/batch-server-kafka';
export * from './lib/kafka-client-options';
export * from './lib/batch-error-passthrough.filter';
export * from './lib/dead-letter-records';
export * from './lib/consumer-supervisor';
export * from './lib/consumer-progress';
export * from './lib/topic-incarnation';
