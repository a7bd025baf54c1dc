import { DEFAULT_CLI_RATE, generatorRunId, parseDuration, parseGeneratorArgs, simulationOptionsFromArgs, usage } from './generator-args';
import { ClickstreamSimulation, FAULT_KINDS } from '@pipeline/simulation';

describe('parseGeneratorArgs', () => {
  it('has defaults for an empty command line', () => {
    expect(parseGeneratorArgs([])).toEqual({ rate: DEFAULT_CLI_RATE, badRatio: 0, dryRun: false, resume: false, help: false });
  });

  it('parses every option, in both --flag value and --flag=value forms', () => {
    const args = parseGeneratorArgs([
      '--count', '1000',
      '--duration=5m',
      '--rate', 'max',
      '--seed', '-7',
      '--start-time', '2026-11-27T10:00:00Z',
      '--bad-ratio', '0.05',
      '--faults', 'invalid_json, null_value,invalid_json',
      '--catalog-size=50',
      '--users', '100',
      '--sessions', '8',
      '--dry-run',
    ]);
    expect(args).toEqual({
      count: 1000,
      durationMs: 300_000,
      rate: 'max',
      seed: -7,
      startTime: Date.parse('2026-11-27T10:00:00.000Z'),
      badRatio: 0.05,
      faults: ['invalid_json', 'null_value'],
      catalogSize: 50,
      users: 100,
      sessions: 8,
      dryRun: true,
      resume: false,
      help: false,
    });
    expect(simulationOptionsFromArgs(args)).toEqual({
      seed: -7,
      startTime: Date.parse('2026-11-27T10:00:00.000Z'),
      badRatio: 0.05,
      faultKinds: ['invalid_json', 'null_value'],
      catalogSize: 50,
      userCount: 100,
      concurrentSessions: 8,
    });
  });

  it('takes --resume only with the --count and --seed of the run it continues, and not with --dry-run', () => {
    expect(parseGeneratorArgs(['--resume', '--count', '10', '--seed', '4']).resume).toBe(true);
    expect(() => parseGeneratorArgs(['--resume', '--count', '10'])).toThrow('--resume needs the --count and --seed');
    expect(() => parseGeneratorArgs(['--resume', '--seed', '4'])).toThrow('--resume needs the --count and --seed');
    expect(() => parseGeneratorArgs(['--resume', '--count', '10', '--seed', '4', '--dry-run'])).toThrow('cannot be combined with --dry-run');
  });

  it('names a run by its seed and the options that shape its stream, not by its rate or count', () => {
    const id = (argv: string[]) => generatorRunId(parseGeneratorArgs(argv));
    expect(id(['--seed', '4', '--count', '10', '--rate', '5'])).toBe(id(['--seed', '4', '--count', '99', '--rate', 'max']));
    expect(id(['--seed', '4'])).toMatch(/^4:[0-9a-f]{12}$/);
    expect(id(['--seed', '4'])).not.toBe(id(['--seed', '5']));
    expect(id(['--seed', '4'])).not.toBe(id(['--seed', '4', '--bad-ratio', '0.1']));
    expect(id(['--seed', '4'])).not.toBe(id(['--seed', '4', '--start-time', '2026-01-01']));
  });

  it('maps onto simulation options the simulation accepts, defaults filled in', () => {
    const args = parseGeneratorArgs(['--sessions', '3', '--start-time', '2026-01-01', '--faults', 'invalid_utf8']);
    const sim = new ClickstreamSimulation(simulationOptionsFromArgs(args));
    expect(sim.options).toMatchObject({ concurrentSessions: 3, startTime: Date.parse('2026-01-01T00:00:00Z'), seed: 42, catalogSize: 200 });
    expect(sim.options.faultKinds).toEqual(['invalid_utf8']);
    expect(sim.nextEvent().event_time.startsWith('2026-01-01T00:00')).toBe(true);
  });

  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['1.5s', 1_500],
  ])('parses duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['2026-11-27', '2026-11-27T00:00:00.000Z'],
    ['2026-11-27T10:00:00.5Z', '2026-11-27T10:00:00.500Z'],
    ['2026-11-27T12:00:00+02:00', '2026-11-27T10:00:00.000Z'],
  ])('parses start time %s as UTC', (text, iso) => {
    expect(parseGeneratorArgs(['--start-time', text]).startTime).toBe(Date.parse(iso));
  });

  it('parses --help and -h', () => {
    expect(parseGeneratorArgs(['--help']).help).toBe(true);
    expect(parseGeneratorArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--count', '0'], /--count: must be at least 1/],
    [['--count', '12abc'], /--count: expected an integer/],
    [['--count'], /--count needs a value/],
    [['--count', '--dry-run'], /--count needs a value/],
    [['--duration', '30'], /--duration: expected a duration like 30s/],
    [['--duration', '0s'], /--duration: must be greater than zero/],
    [['--duration', 'soon'], /--duration/],
    [['--rate', '0'], /--rate: must be between 1 and 1000000/],
    [['--rate', '2000000'], /--rate: must be between/],
    [['--rate', 'fast'], /--rate: expected a number of events\/s or "max"/],
    [['--seed', '1.5'], /--seed: expected an integer/],
    [['--start-time', 'yesterday'], /--start-time: expected an ISO-8601 time/],
    [['--start-time', '2026-11-27T10:00:00'], /--start-time/], // no zone: machine-dependent
    [['--start-time', '2026-02-30'], /--start-time/],
    [['--bad-ratio', '1.2'], /--bad-ratio: expected a number between 0 and 1/],
    [['--bad-ratio', ''], /--bad-ratio/],
    [['--faults', 'invalid_json,teleport'], /--faults: unknown fault kind\(s\) teleport/],
    [['--faults', ','], /--faults: expected a comma-separated list/],
    [['--catalog-size', '-5'], /--catalog-size: must be at least 1/],
    [['--users', 'many'], /--users: expected an integer/],
    [['--sessions', '0'], /--sessions: must be at least 1/],
    [['--dry-run=yes'], /--dry-run takes no value/],
    [['--verbose'], /unknown option --verbose/],
    [['extra'], /unexpected argument "extra"/],
  ])('rejects %p naming the flag', (argv, message) => {
    expect(() => parseGeneratorArgs(argv)).toThrow(message);
  });

  it('documents every option and fault kind in usage()', () => {
    const text = usage('npm run generate --');
    expect(text).toContain('Usage: npm run generate --');
    for (const flag of ['--count', '--duration', '--rate', '--seed', '--start-time', '--bad-ratio', '--faults',
      '--catalog-size', '--users', '--sessions', '--dry-run', '--help']) {
      expect(text).toContain(flag);
    }
    for (const kind of FAULT_KINDS) expect(text).toContain(kind);
  });
});
