export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

export interface PlatformOptions {
  /** Prefix of the app's metrics and Kafka client ids, e.g. "processor". */
  serviceName: string;
  kafkaBrokers: string[];
}
