import { isNotEmpty, isObject, isString, maxLength } from 'class-validator';

/**
 * Building blocks of the precompiled DTO mirror (event-fast-check.ts). Each is class-validator's own
 * function with the decorator's argument, so the mirror can only be stricter than the DTOs, never looser.
 */

/** What JSON.parse makes of `{...}`: class-transformer turns exactly these into DTO instances field by field. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && Object.getPrototypeOf(value) === Object.prototype;
}

export function hasOnlyKeys(value: Readonly<Record<string, unknown>>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/** @IsString @IsNotEmpty @MaxLength(max) */
export function requiredString(value: unknown, maxChars: number): boolean {
  return isString(value) && isNotEmpty(value) && maxLength(value, maxChars);
}

/** @IsOptional @IsString @MaxLength(max): null/undefined skip the other checks. */
export function optionalString(value: unknown, maxChars: number): boolean {
  return value === null || value === undefined || (isString(value) && maxLength(value, maxChars));
}
