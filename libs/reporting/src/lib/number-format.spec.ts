import { formatCount, formatCountTick, formatMoneyCents, formatMoneyTick, formatPercent, groupThousands } from './number-format';

describe('number formatting', () => {
  it('groups thousands without touching the digits', () => {
    expect(groupThousands('1234567.89')).toBe('1,234,567.89');
    expect(groupThousands('-1000')).toBe('-1,000');
    expect(groupThousands('999.999')).toBe('999.999');
    expect(groupThousands('0.05')).toBe('0.05');
  });
  it('formats counts and money from cents', () => {
    expect(formatCount(20978)).toBe('20,978');
    expect(formatMoneyCents(123456789)).toBe('$1,234,567.89');
    expect(formatMoneyCents(-5)).toBe('-$0.05');
    expect(formatMoneyCents(0)).toBe('$0.00');
  });
  it('shortens axis ticks', () => {
    expect(formatMoneyTick(1500)).toBe('$1.5k');
    expect(formatMoneyTick(2_000_000)).toBe('$2M');
    expect(formatMoneyTick(250)).toBe('$250');
    expect(formatCountTick(12_000)).toBe('12k');
  });
  it('formats shares as percentages', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0.0268, 2)).toBe('2.68%');
    expect(formatPercent(1, 0)).toBe('100%');
  });
});
