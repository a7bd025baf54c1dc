import * as classValidator from 'class-validator';

/**
 * The class-validator check functions the precompiled DTO mirror calls, read from the package once. Imported from
 * 'class-validator' directly, every call goes through the package's re-export getters (index -> decorators ->
 * the function's module), a megamorphic property load each: ~0.5 % of the processor's CPU in a drain profile.
 */
export const { equals, isIn, isInt, isISO31661Alpha2, isNotEmpty, isObject, isString, isUUID, matches, max, maxLength, min } =
  classValidator;

/**
 * class-validator's `matches` without the result array of `String.prototype.match` (~100 bytes per call, the
 * contract check's largest allocation after the event itself): for a pattern that is neither global nor sticky,
 * `!!value.match(pattern)` and `pattern.test(value)` agree, and test() keeps no state between calls.
 */
export function matchesPattern(value: unknown, pattern: RegExp): boolean {
  if (pattern.global || pattern.sticky) return matches(value as string, pattern);
  return typeof value === 'string' && pattern.test(value);
}
