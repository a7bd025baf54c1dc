import { ConsumerSupervisor } from './consumer-supervisor';

describe('ConsumerSupervisor', () => {
  it('is not running until the consumer joins its group', () => {
    const supervisor = new ConsumerSupervisor();
    expect(supervisor.isRunning).toBe(false);
    supervisor.joined({ events: [0, 1] });
    expect(supervisor.status()).toMatchObject({ state: 'running', assignment: { events: [0, 1] }, restarts: 0 });
  });

  it('backs off exponentially, resets once the consumer is back, and fails after maxRestarts in a row', () => {
    const supervisor = new ConsumerSupervisor({ maxRestarts: 3, initialBackoffMs: 100, maxBackoffMs: 250 });
    supervisor.joined({});
    supervisor.stopped('TypeError: boom');
    expect(supervisor.isRunning).toBe(false);
    expect([supervisor.restarting(), supervisor.restarting()]).toEqual([100, 200]);
    supervisor.joined({ t: [0] });
    expect(supervisor.status().restarts).toBe(0);

    supervisor.stopped('KafkaJSConnectionError: refused');
    expect([supervisor.restarting(), supervisor.restarting(), supervisor.restarting()]).toEqual([100, 200, 250]);
    expect(supervisor.restarting()).toBeNull();
    expect(supervisor.status()).toMatchObject({ state: 'failed', lastError: 'KafkaJSConnectionError: refused' });
    // Failed is final: a late event does not make it look alive.
    supervisor.stopped(null);
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
