import { ConsumerSupervisor } from './consumer-supervisor';

describe('ConsumerSupervisor', () => {
  it('is not running until the consumer joins its group', () => {
    const supervisor = new ConsumerSupervisor();
    expect(supervisor.isRunning).toBe(false);
    supervisor.joined({ events: [0, 1] });
    expect(supervisor.status()).toMatchObject({ state: 'running', assignment: { events: [0, 1] }, restarts: 0 });
  });

  it('backs off exponentially, resets once the consumer stayed back in its group, and fails after maxRestarts in a row', () => {
    let now = 0;
    const supervisor = new ConsumerSupervisor({ maxRestarts: 3, initialBackoffMs: 100, maxBackoffMs: 250, stableMs: 60_000, now: () => now });
    supervisor.joined({});
    supervisor.stopped('TypeError: boom');
    expect(supervisor.isRunning).toBe(false);
    expect([supervisor.restarting(), supervisor.restarting()]).toEqual([100, 200]);
    supervisor.joined({ t: [0] });
    expect(supervisor.status()).toMatchObject({ state: 'running', restarts: 2 });
    now += 60_000;

    supervisor.stopped('KafkaJSConnectionError: refused');
    expect([supervisor.restarting(), supervisor.restarting(), supervisor.restarting()]).toEqual([100, 200, 250]);
    expect(supervisor.restarting()).toBeNull();
    expect(supervisor.status()).toMatchObject({ state: 'failed', lastError: 'KafkaJSConnectionError: refused' });
    // Failed is final: a late event does not make it look alive.
    supervisor.stopped(null);
    expect(supervisor.current).toBe('failed');
  });

  it('gives up on a consumer that crashes soon after every join, instead of restarting it at "attempt 1" forever', () => {
    let now = 0;
    const supervisor = new ConsumerSupervisor({ maxRestarts: 4, initialBackoffMs: 1_000, stableMs: 60_000, now: () => now });
    const delays: (number | null)[] = [];
    for (let round = 0; round < 6; round++) {
      supervisor.joined({ events: [0, 1, 2] });
      now += 50; // the first fetch after the join crashes the consumer
      supervisor.stopped('KafkaJSNonRetriableError: cannot decode');
      const delay = supervisor.restarting();
      delays.push(delay);
      if (delay === null) break;
      now += delay;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, null]);
    expect(supervisor.current).toBe('failed');
  });
});

describe('ConsumerSupervisor activity', () => {
  it('reports a running consumer that stopped fetching and heartbeating as not consuming', () => {
    let now = 0;
    const supervisor = new ConsumerSupervisor({ inactivityMs: 1_000, now: () => now });
    supervisor.joined({});
    now = 900;
    expect(supervisor.isConsuming).toBe(true);
    now = 1_500;
    expect(supervisor.isConsuming).toBe(false);
    supervisor.active();
    expect(supervisor.isConsuming).toBe(true);
  });
});
