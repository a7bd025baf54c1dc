import { jsonShapeViolation } from './json-shape';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('jsonShapeViolation', () => {
  it('accepts scalars and shallow values', () => {
    expect(jsonShapeViolation(1)).toBeNull();
    expect(jsonShapeViolation(null)).toBeNull();
    expect(jsonShapeViolation({ a: [1, { b: 2 }] })).toBeNull();
  });

  it('accepts exactly maxDepth levels and refuses one more', () => {
    const limits = { maxDepth: 5, maxValues: 100 };
    expect(jsonShapeViolation(nested(5), limits)).toBeNull();
    expect(jsonShapeViolation(nested(6), limits)).toMatch(/^too_deep: \$\.a\.a\.a\.a\.a nests deeper than 5 levels$/);
  });

  it('walks 100,000 levels without recursing', () => {
    expect(jsonShapeViolation(nested(100_000))).toMatch(/^too_deep:/);
  });

  it('counts values at every depth', () => {
    expect(jsonShapeViolation({ a: Array.from({ length: 50 }, () => [1, 2]) }, { maxDepth: 10, maxValues: 151 })).toBeNull(); // 1 + 50 + 100
    expect(jsonShapeViolation({ a: Array.from({ length: 50 }, () => [1, 2, 3]) }, { maxDepth: 10, maxValues: 151 })).toMatch(
      /^too_many_values: more than 151 values/,
    );
  });

  it('keeps the reported path short', () => {
    const violation = jsonShapeViolation({ ['k'.repeat(10_000)]: nested(100) }) ?? '';
    expect(violation.length).toBeLessThan(200);
  });
});
