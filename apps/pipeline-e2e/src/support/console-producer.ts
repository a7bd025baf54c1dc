import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', '..', 'tools', 'kafka', 'kafka.sh');

export interface ConsoleRecord {
  key: string;
  value: string;
  /** A null value is sent as a null header value, which kafkajs' producer cannot encode (Java clients can). */
  headers: Record<string, string | null>;
}

const NULL_MARKER = '__NULL__';

/**
 * Produces records with Kafka's own console producer (a Java client): the only way here to put a null-valued
 * header on the wire, as any Java producer may. Header names and values must not contain ',', ':' or tabs.
 */
export async function produceWithConsoleProducer(brokers: string, topic: string, records: readonly ConsoleRecord[]): Promise<void> {
  const lines = records.map((r) => {
    const headers = Object.entries(r.headers)
      .map(([name, value]) => `${name}:${value ?? NULL_MARKER}`)
      .join(',');
    return `${headers || ''}\t${r.key}\t${r.value}`;
  });
  const args = [
    KAFKA_SH,
    'tool',
    'org.apache.kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--reader-property',
    'parse.headers=true',
    '--reader-property',
    'parse.key=true',
    '--reader-property',
    `null.marker=${NULL_MARKER}`,
    '--producer-property',
    'acks=all',
  ];
  const child = run('bash', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(`${lines.join('\n')}\n`);
  await child;
}
