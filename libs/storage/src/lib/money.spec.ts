import { formatCents, formatRatio } from './money';

describe('money formatting', () => {
  it('formats cents with two places', () => {
    expect(formatCents(3048)).toBe('30.48');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(900719925474099)).toBe('9007199254740.99');
  });

  it('rounds ratios half away from zero using integers only', () => {
    expect(formatRatio(1, 3, 4)).toBe('0.3333');
    expect(formatRatio(2, 3, 4)).toBe('0.6667');
    expect(formatRatio(1, 8, 2)).toBe('0.13'); // 0.125 -> 0.13; floats give 0.12 or 0.13 by luck
    expect(formatRatio(-1, 8, 2)).toBe('-0.13');
    expect(formatRatio(3, 2, 4)).toBe('1.5000');
    expect(formatRatio(7, 0, 2)).toBe('');
  });
});
