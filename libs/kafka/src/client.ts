/**
 * The plain kafkajs pieces (topics, client and producer settings, the log creator) without the rest of the barrel:
 * `@pipeline/kafka` also brings the Nest transport (@nestjs/microservices, rxjs) and, through the topics config,
 * @pipeline/platform (terminus, prom-client), ~0.5 CPU s of module loading that a plain kafkajs process such as
 * the generator CLI never uses.
 */
export * from './lib/topics';
export * from './lib/kafka-client-options';
export * from './lib/kafka-log-creator';
