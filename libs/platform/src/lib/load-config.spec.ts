import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { ConfigValidationError, loadConfig, parseList } from './load-config';

class SampleConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsIn(['debug', 'log', 'warn'])
  LOG_LEVEL = 'log';
}

describe('loadConfig', () => {
  it('uses defaults when variables are unset or empty', () => {
    expect(loadConfig(SampleConfig, { PORT: '' })).toMatchObject({ PORT: 3000, KAFKA_BROKERS: '127.0.0.1:9092' });
  });

  it('converts numbers from strings', () => {
    expect(loadConfig(SampleConfig, { PORT: '3005' }).PORT).toBe(3005);
  });

  it('lists every bad variable with its value', () => {
    let error: unknown;
    try {
      loadConfig(SampleConfig, { PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('LOG_LEVEL="loud"');
  });

  it('rejects out-of-range numbers', () => {
    expect(() => loadConfig(SampleConfig, { PORT: '70000' })).toThrow(/PORT="70000"/);
  });
});

describe('parseList', () => {
  it('splits and trims', () => expect(parseList(' a:1, b:2 ,,')).toEqual(['a:1', 'b:2']));
});

describe('HOST (IsListenHost)', () => {
  it('accepts addresses and host names, refuses anything else', async () => {
    const { DEFAULT_HOST, IsListenHost } = await import('./listen-host');
    class HostConfig {
      @IsListenHost()
      HOST = DEFAULT_HOST;
    }
    expect(loadConfig(HostConfig, {}).HOST).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'generator.internal']) expect(loadConfig(HostConfig, { HOST: host }).HOST).toBe(host);
    expect(() => loadConfig(HostConfig, { HOST: 'http://0.0.0.0' })).toThrow(/HOST="http:\/\/0.0.0.0": HOST must be an IP address/);
  });
});
