import { createHash } from 'node:crypto';
import type { GeneratedMessage } from '@pipeline/simulation';
import { ClickstreamSimulation } from '@pipeline/simulation';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { cachedPartitioner } from '../kafka/cached-partitioner';
import { parseGeneratorArgs, simulationOptionsFromArgs } from './generator-args';
import { toKafkaMessages } from './kafka-sink';
import { toNdjson } from './ndjson-sink';

/**
 * Pins the generated stream byte for byte: `--resume` finds a run's messages in the topic by regenerating them
 * (libs/simulation/src/lib/stream-resume.ts), so a change that alters one byte, one random draw, the order or a
 * partition breaks resuming every run made before it. Performance work on the generator must keep these hashes.
 *
 * The constants were made by this spec on `main` at eed957f (before the generator CPU work of branch gencpu):
 * run it there with the expected values blanked and copy what it received.
 */
const EXPECTED = {
  /** CLI defaults (no injected faults), 20,000 messages. */
  clean: 'f32af80257183ef101909b94dad680f955c0b06e59b77191f464e98f4ce3091c',
  /** `--bad-ratio 0.1`, all fault kinds, 20,000 messages. */
  faulty: '450e086063be40bf8d7b78b0bf1db4349946068b2524e8c285a996ba0f9b0085',
} as const;

const COUNT = 20_000;
const PARTITIONS: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }));

/** What the Kafka sink hands kafkajs, and where kafkajs puts it: key, value bytes, headers, partition, in order. */
function kafkaStreamHash(argv: string[]): string {
  const simulation = new ClickstreamSimulation(simulationOptionsFromArgs(parseGeneratorArgs(argv)));
  const partitionOf = cachedPartitioner(Partitioners.DefaultPartitioner)();
  const hash = createHash('sha256');
  for (let i = 0; i < COUNT; i++) {
    const [message] = toKafkaMessages([simulation.next()]);
    const value = typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : (message.value as Buffer);
    const partition = partitionOf({ topic: 'events', partitionMetadata: PARTITIONS, message });
    hash.update(`${message.key}\u0000${value.length}\u0000`).update(value);
    for (const [name, header] of Object.entries(message.headers ?? {})) hash.update(`\u0000${name}=${String(header)}`);
    hash.update(`\u0000${partition}\n`);
  }
  return hash.digest('hex');
}

/** The dry run's NDJSON bytes of the same stream, written batch by batch like the sink does. */
function ndjsonHash(argv: string[]): string {
  const simulation = new ClickstreamSimulation(simulationOptionsFromArgs(parseGeneratorArgs(argv)));
  const hash = createHash('sha256');
  for (let done = 0; done < COUNT; done += 500) {
    const batch: GeneratedMessage[] = [];
    for (let i = 0; i < 500; i++) batch.push(simulation.next());
    hash.update(toNdjson(batch));
  }
  return hash.digest('hex');
}

describe('the generated stream (pinned: --resume matches stored messages by content)', () => {
  const base = ['--seed', '20261127', '--start-time', '2026-11-27T08:00:00Z'];

  it('is byte-identical to the stream of main before the CPU work, without faults', () => {
    expect(kafkaStreamHash(base)).toBe(EXPECTED.clean);
  });

  it('is byte-identical with injected faults (every kind, 10 %)', () => {
    expect(kafkaStreamHash([...base, '--bad-ratio', '0.1'])).toBe(EXPECTED.faulty);
  });

  it('writes the same NDJSON bytes in a dry run', () => {
    expect(ndjsonHash([...base, '--bad-ratio', '0.1'])).toBe(EXPECTED_NDJSON);
  });
});

/**
 * The dry run's bytes of the faulty stream (same provenance as EXPECTED). The bundle built from that commit gives
 * the same: `node dist/apps/generator/cli.js --dry-run --rate max --count 20000 --seed 20261127
 * --start-time 2026-11-27T08:00:00Z --bad-ratio 0.1 | sha256sum`.
 */
const EXPECTED_NDJSON = '3d037328416bbbbf9f050e7cc81dc1c07f56a5295577bf8ffd0f9af94d649b8e';
