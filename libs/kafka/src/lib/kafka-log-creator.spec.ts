import { logLevel, type LogEntry } from 'kafkajs';
import { classifyKafkaLog, kafkaLogCreator, type KafkaLogLevel } from './kafka-log-creator';

function entry(level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}): LogEntry {
  return { level, namespace, label: 'kafkajs', log: { timestamp: '2026-11-27T09:00:00.000Z', message, ...extra } };
}

/** Entries as kafkajs 2.2.4 logs them (texts copied from its sources). */
const coordinatorLoading = entry(logLevel.ERROR, 'Connection', 'Response GroupCoordinator(key: 10, version: 2)', {
  broker: '127.0.0.1:9092',
  clientId: 'processor',
  error: "The coordinator is loading and hence can't process requests for this group",
  correlationId: 1,
  size: 55,
});
const rebalancing = entry(logLevel.WARN, 'Runner', 'The group is rebalancing, re-joining', { groupId: 'processor', memberId: 'm-1', error: 'The group is rebalancing, so a rejoin is needed' });
const noLeader = entry(logLevel.ERROR, 'Connection', 'Response Metadata(key: 3, version: 6)', {
  error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
});
const refused = entry(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:19', {
  broker: '127.0.0.1:19',
  stack: 'Error: connect ECONNREFUSED\n    at TCPConnectWrap.afterConnect',
});
const seedBroker = entry(logLevel.ERROR, 'BrokerPool', 'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:19', {
  retryCount: 1,
  retryTime: 722,
});
const crash = entry(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded: boom', { groupId: 'processor', stack: 'Error: boom\n    at x' });

function collect(options: { now?: () => number } = {}) {
  const lines: [KafkaLogLevel, string][] = [];
  const log = kafkaLogCreator({ sink: (level, line) => lines.push([level, line]), ...options })(logLevel.WARN);
  return { lines, log };
}

describe('classifyKafkaLog', () => {
  it.each([
    ['coordinator loading', 'harmless', coordinatorLoading],
    ['rebalancing', 'harmless', rebalancing],
    ['no leader on a fresh topic', 'harmless', noLeader],
    ['connection refused', 'unreachable', refused],
    ['seed broker', 'unreachable', seedBroker],
    ['consumer crash', 'other', crash],
  ])('%s -> %s', (_name, kind, log) => {
    expect(classifyKafkaLog(log)).toBe(kind);
  });
});

describe('kafkaLogCreator', () => {
  it('logs known start-up noise at debug, as one plain line with where it came from', () => {
    const { lines, log } = collect();
    log(coordinatorLoading);
    log(rebalancing);
    log(noLeader);
    expect(lines.map(([level]) => level)).toEqual(['debug', 'debug', 'debug']);
    expect(lines[0][1]).toBe(
      "[Connection] Response GroupCoordinator(key: 10, version: 2) (broker=127.0.0.1:9092, error=The coordinator is loading and hence can't process requests for this group)",
    );
  });

  it('reports an unreachable broker once a minute at warn, the retries in between at debug, never a stack', () => {
    let now = 0;
    const { lines, log } = collect({ now: () => now });
    log(refused);
    log(seedBroker);
    now = 30_000;
    log(refused);
    now = 60_000;
    log(refused);
    expect(lines.map(([level]) => level)).toEqual(['warn', 'debug', 'debug', 'warn']);
    expect(lines[0][1]).toBe('[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:19 (broker=127.0.0.1:19)');
    expect(lines.some(([, line]) => line.includes('TCPConnectWrap'))).toBe(false);
  });

  it('keeps real errors at error', () => {
    const { lines, log } = collect();
    log(crash);
    expect(lines).toEqual([['error', '[Consumer] Crash: KafkaJSNumberOfRetriesExceeded: boom (groupId=processor)']]);
  });
});
