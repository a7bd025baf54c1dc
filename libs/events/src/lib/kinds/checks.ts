import { isNotEmpty, isObject, isString, maxLength } from './validator-functions';

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
  return isString(value) && isNotEmpty(value) && fitsMaxLength(value, maxChars);
}

/** @IsOptional @IsString @MaxLength(max): null/undefined skip the other checks. */
export function optionalString(value: unknown, maxChars: number): boolean {
  return value === null || value === undefined || (isString(value) && fitsMaxLength(value, maxChars));
}

/**
 * class-validator's maxLength counts characters with validator's isLength, which runs two regular expressions per
 * string (surrogate pairs and variation selectors count less), ~10 strings per event. The count it makes is never
 * more than the UTF-16 length, so a string no longer than `max` in UTF-16 units passes it; only longer ones need
 * the real count.
 */
function fitsMaxLength(value: string, maxChars: number): boolean {
  return value.length <= maxChars || maxLength(value, maxChars);
}
