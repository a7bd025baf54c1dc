import { randomBytes } from 'node:crypto';

/**
 * Brokers for tests that talk to the real Kafka: `npm test` starts one and exports KAFKA_BROKERS.
 * Running a single project's tests by hand needs `KAFKA_PORT=19092 npm run kafka start` first.
 */
export function testBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    throw new Error(
      'KAFKA_BROKERS is not set: pipeline tests need the real broker. Run `npm test`, or start one with ' +
        '`KAFKA_PORT=19092 npm run kafka start` and export KAFKA_BROKERS=127.0.0.1:19092',
    );
  }
  return brokers.split(',').map((b) => b.trim());
}

/** A topic name no other test run uses, so tests never see each other's data. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
}
