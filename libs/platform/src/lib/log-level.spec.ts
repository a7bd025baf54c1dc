import { Logger } from '@nestjs/common';
import { ConfigValidationError } from './load-config';
import { applyLogLevel, nestLogLevels } from './log-level';

describe('nestLogLevels (LOG_LEVEL)', () => {
  it('defaults to log: debug lines are hidden', () => {
    expect(nestLogLevels(undefined)).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('')).toEqual(['fatal', 'error', 'warn', 'log']);
  });

  it('includes every less verbose level', () => {
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('debug')).toEqual(['fatal', 'error', 'warn', 'log', 'debug']);
  });

  it('refuses an unknown level, naming the choices', () => {
    expect(() => nestLogLevels('loud')).toThrow(ConfigValidationError);
    expect(() => nestLogLevels('loud')).toThrow('LOG_LEVEL="loud": must be one of error, warn, log, debug, verbose');
  });
});

describe('applyLogLevel', () => {
  let written: string[];
  let write: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    Logger.overrideLogger(true);
  });

  const logLines = () => {
    new Logger('RoutesResolver').log('IngestController {/}');
    new Logger('InstanceLoader').log('AppModule dependencies initialized');
    new Logger('RouterExplorer').log('Mapped {/health, GET} route');
    new Logger('Generator').log('Generator listening on http://127.0.0.1:3000');
    new Logger('Generator').warn('rate capped');
    return written.join('');
  };

  it("keeps Nest's wiring lines (modules, controllers, routes) out of the default log, and the app's own lines in", () => {
    applyLogLevel({});
    const out = logLines();
    expect(out).toContain('Generator listening on http://127.0.0.1:3000');
    expect(out).toContain('rate capped');
    expect(out).not.toContain('Mapped {/health, GET} route');
    expect(out).not.toContain('IngestController');
    expect(out).not.toContain('AppModule dependencies initialized');
  });

  it('shows them at LOG_LEVEL=debug, as debug lines', () => {
    applyLogLevel({ LOG_LEVEL: 'debug' });
    const out = logLines();
    expect(out).toContain('Mapped {/health, GET} route');
    expect(out).toMatch(/DEBUG.*\[RouterExplorer\].*Mapped \{\/health, GET\} route/);
    expect(out).toContain('Generator listening on http://127.0.0.1:3000');
  });

  it('shows only warnings and errors at LOG_LEVEL=warn', () => {
    applyLogLevel({ LOG_LEVEL: 'warn' });
    const out = logLines();
    expect(out).toContain('rate capped');
    expect(out).not.toContain('Generator listening');
  });
});
