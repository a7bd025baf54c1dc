export * from './lib/load-config';
export * from './lib/platform-options';
export * from './lib/kafka-health.indicator';
export * from './lib/health.controller';
export * from './lib/metrics';
export * from './lib/platform.module';
export * from './lib/graceful-shutdown';
