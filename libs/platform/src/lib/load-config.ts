import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads an app's typed configuration from environment variables once, at start-up.
 * The config class declares each variable as a property with class-validator rules and a default;
 * each value is converted by the type of its default, so a bad value fails here,
 * with every problem listed, instead of somewhere deep in a request later.
 */
export function loadConfig<T extends object>(configClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new configClass();
  const provided: Record<string, unknown> = {};
  const converted: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    provided[key] = raw;
    converted[key] = convertLike(fallback, raw);
  }
  const config = plainToInstance(configClass, { ...defaults, ...converted });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((m) => `${e.property}=${JSON.stringify(provided[e.property] ?? null)}: ${m}`),
    );
    throw new ConfigValidationError(problems);
  }
  return config;
}

/** The default's type says how to read the string: "3001" -> 3001 for a numeric setting, "true" -> true for a flag. */
function convertLike(fallback: unknown, raw: string): unknown {
  if (typeof fallback === 'number') return raw.trim() === '' ? Number.NaN : Number(raw);
  if (typeof fallback === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** "a:1, b:2" -> ["a:1", "b:2"]. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
