/**
 * Bounds on the shape of an untrusted parsed JSON value, checked before class-transformer and class-validator
 * see it: both recurse into every nested value (unknown fields included), so a value nested 10,000 deep ends
 * in `RangeError: Maximum call stack size exceeded`, and one with a million keys costs seconds. A valid event
 * nests 4 deep (event -> items -> line item -> field) and has well under a thousand values, so these limits
 * only ever refuse garbage.
 */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays; the top-level object is depth 1. */
  maxDepth: number;
  /** Most values (object members and array elements, at every depth) in the whole value. */
  maxValues: number;
}

export const EVENT_SHAPE_LIMITS: JsonShapeLimits = { maxDepth: 32, maxValues: 10_000 };

/** Null when the value is within the limits, else a sentence naming the violation and where it happens. */
export function jsonShapeViolation(value: unknown, limits: JsonShapeLimits = EVENT_SHAPE_LIMITS): string | null {
  // Iterative on purpose: the point is not to recurse as deep as the input does.
  const stack: { node: object; depth: number; path: string }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ node: value, depth: 1, path: '$' });
  let values = 0;
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop() as { node: object; depth: number; path: string };
    if (depth > limits.maxDepth) {
      return `too_deep: ${path} nests deeper than ${limits.maxDepth} levels`;
    }
    const isArray = Array.isArray(node);
    const keys = isArray ? null : Object.keys(node);
    const length = isArray ? (node as unknown[]).length : (keys as string[]).length;
    values += length;
    if (values > limits.maxValues) {
      return `too_many_values: more than ${limits.maxValues} values in the message (at ${path})`;
    }
    for (let i = 0; i < length; i++) {
      const key = isArray ? String(i) : (keys as string[])[i];
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) {
        // The path is cut short: a path 10,000 segments long would itself be a huge dead-letter header.
        stack.push({ node: child, depth: depth + 1, path: depth < 8 ? `${path}.${key.slice(0, 64)}` : path });
      }
    }
  }
  return null;
}
