import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Deeper than any body the API takes (`{"rate": 5}` is depth 1), shallow enough for any recursive code after it. */
export const MAX_BODY_DEPTH = 16;

/**
 * The first check on a JSON body, before class-transformer and class-validator see it: it must be an object
 * and nest at most `maxDepth` levels. class-transformer recurses into every property, even unknown ones, so a
 * body nested 10,000 deep would otherwise end in a RangeError and a 500. Walks iteratively: the check itself
 * cannot overflow the stack.
 */
@Injectable()
export class JsonBodyPipe implements PipeTransform {
  constructor(private readonly maxDepth = MAX_BODY_DEPTH) {}

  transform(value: unknown): unknown {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException('the body must be a JSON object, sent with Content-Type: application/json');
    }
    const depth = jsonDepth(value, this.maxDepth);
    if (depth > this.maxDepth) throw new BadRequestException(`the body nests deeper than ${this.maxDepth} levels`);
    return value;
  }
}

/** Nesting depth of objects and arrays (a flat object is 1); stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
