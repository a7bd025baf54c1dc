import type { ReadinessCheck } from './readiness';

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

export interface PlatformOptions {
  /** Prefix of the app's metrics and Kafka client ids, e.g. "processor". */
  serviceName: string;
  kafkaBrokers: string[];
  /** Extra readiness checks of the app (e.g. the processor's consumer, storage and progress), each named in /health. */
  readinessChecks?: ReadinessCheck[];
}
