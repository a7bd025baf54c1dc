import { maxLength } from 'class-validator';
import { optionalString, requiredString } from './checks';

describe('string checks of the precompiled DTO mirror', () => {
  // Surrogate pairs and variation selectors count as one character for @MaxLength but two UTF-16 units.
  const samples = ['', 'a', 'abcd', 'abcde', '😀😀', '😀😀😀', 'ab😀', '❤️❤️', 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(64), '😀'.repeat(65)];

  it.each([4, 64])('agree with class-validator maxLength(%d) on every sample', (max) => {
    for (const value of samples) {
      expect(requiredString(value, max)).toBe(value !== '' && maxLength(value, max));
      expect(optionalString(value, max)).toBe(maxLength(value, max));
    }
  });

  it('accept a string of emoji that is longer than max in UTF-16 units but not in characters', () => {
    expect(requiredString('😀😀😀', 4)).toBe(true);
    expect(requiredString('😀😀😀😀😀', 4)).toBe(false);
  });
});
