import type { INestApplicationContext } from '@nestjs/common';
import { exitCleanlyOnSignals } from './graceful-shutdown';

describe('exitCleanlyOnSignals', () => {
  let exit: jest.SpyInstance;
  let listenersBefore: { SIGTERM: NodeJS.SignalsListener[]; SIGINT: NodeJS.SignalsListener[] };

  beforeEach(() => {
    listenersBefore = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });

  afterEach(() => {
    exit.mockRestore();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) if (!listenersBefore[signal].includes(listener)) process.off(signal, listener);
    }
  });

  function appClosingIn(ms: number) {
    const close = jest.fn(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    return { app: { close } as unknown as INestApplicationContext, close };
  }

  it('closes the app once and exits 0, still handling a second SIGTERM that arrives while it closes', async () => {
    const { app, close } = appClosingIn(50);
    exitCleanlyOnSignals(app, 'Test');
    process.emit('SIGTERM');
    // A second SIGTERM (a supervisor signals the whole process group, and `npm start`'s clean-up signals each app
    // again) must still find our handler: with none, Node's default action kills the app mid-shutdown (exit 143).
    expect(process.listeners('SIGTERM').length).toBeGreaterThan(listenersBefore.SIGTERM.length);
    process.emit('SIGTERM');
    process.emit('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when closing fails', async () => {
    const close = jest.fn(() => Promise.reject(new Error('broker gone')));
    exitCleanlyOnSignals({ close } as unknown as INestApplicationContext, 'Test');
    process.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(exit).toHaveBeenCalledWith(1);
  });
});
