import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { isValidRate, MAX_RATE, MIN_RATE } from '@pipeline/simulation';
import { PipelineTopicsConfig } from '@pipeline/kafka';
import { DEFAULT_HOST, IsListenHost, parseList } from '@pipeline/platform';

/** Every setting of the generator app, read from the environment once at start-up (README "Configuration"). */
export class GeneratorConfig extends PipelineTopicsConfig {
  @IsInt() @Min(1) @Max(65535)
  GENERATOR_PORT = 3000;

  /** Address the HTTP server binds to (containers: 0.0.0.0). */
  @IsListenHost()
  HOST = DEFAULT_HOST;

  /**
   * When set, POST /generator/start|stop and PUT /generator/rate need `Authorization: Bearer <token>`;
   * empty: they are open (fine on loopback, not on a shared network).
   */
  @IsString()
  GENERATOR_API_TOKEN = '';

  /** Events per second, or "max" for as fast as Kafka accepts. */
  @ValidateBy({
    name: 'isRateSetting',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^(max|\d+(\.\d+)?)$/.test(value) && isValidRate(value === 'max' ? 'max' : Number(value)),
      defaultMessage: () => `GENERATOR_RATE must be a number of events/s from ${MIN_RATE} to ${MAX_RATE}, or "max"`,
    },
  })
  GENERATOR_RATE = '1';

  /**
   * Event ids and the whole stream follow from the seed. Unset: a fresh one per start (printed, and in
   * /generator/status), so two runs never send the same ids; set it to repeat a run exactly.
   */
  @IsInt() @Min(0)
  GENERATOR_SEED = Math.floor(Math.random() * 2 ** 31);

  /** Stop after this many events (0: no limit). */
  @IsInt() @Min(0)
  GENERATOR_COUNT = 0;

  /** Stop after this long, e.g. 90s, 5m, 1h (empty: no limit). */
  @Matches(/^(|\d+(ms|s|m|h))$/, { message: 'GENERATOR_DURATION must look like 500ms, 30s, 5m or 1h' })
  GENERATOR_DURATION = '';

  /** Simulated clock start (ISO-8601); empty: event times are the real clock. */
  @Matches(/^(|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))$/, {
    message: 'GENERATOR_START_TIME must be an ISO-8601 date-time with a zone, e.g. 2026-11-27T09:00:00Z',
  })
  GENERATOR_START_TIME = '';

  @IsNumber() @Min(0) @Max(1)
  GENERATOR_BAD_RATIO = 0;

  /** Comma-separated fault kinds to inject (empty: all kinds). */
  @IsString()
  GENERATOR_FAULTS = '';

  @IsInt() @Min(1) @Max(1_000_000)
  GENERATOR_CATALOG_SIZE = 200;

  @IsInt() @Min(1) @Max(10_000_000)
  GENERATOR_USERS = 5_000;

  @IsInt() @Min(1) @Max(1_000_000)
  GENERATOR_SESSIONS = 50;

  /** Messages per Kafka produce request. */
  @IsInt() @Min(1) @Max(100_000)
  GENERATOR_BATCH_SIZE = 1_000;

  @IsIn(['none', 'gzip'])
  KAFKA_COMPRESSION: 'none' | 'gzip' = 'none';

  /** Start producing at boot; false waits for POST /generator/start. */
  @IsBoolean()
  GENERATOR_AUTOSTART = true;

  /** Exit the process once GENERATOR_COUNT/DURATION is reached (for scripts and tests). */
  @IsBoolean()
  GENERATOR_EXIT_WHEN_DONE = false;

  get faultKinds(): string[] {
    return parseList(this.GENERATOR_FAULTS);
  }
}
