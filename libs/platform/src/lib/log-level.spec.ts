import { ConfigValidationError } from './load-config';
import { nestLogLevels } from './log-level';

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
