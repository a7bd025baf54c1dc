/** Decimal text from integers only: figures computed in floats would not match the cents they come from. */

/** 3048 -> "30.48", -5 -> "-0.05". */
export function formatCents(cents: number | bigint): string {
  return formatScaled(BigInt(cents), 2);
}

/** numerator / denominator rounded half away from zero to `places` decimals; "" when the denominator is 0. */
export function formatRatio(numerator: number, denominator: number, places: number): string {
  if (denominator === 0) return '';
  const scale = 10n ** BigInt(places);
  let n = BigInt(numerator) * scale;
  let d = BigInt(denominator);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const sign = n < 0n ? -1n : 1n;
  const rounded = sign * ((sign * n * 2n + d) / (2n * d));
  return formatScaled(rounded, places);
}

function formatScaled(value: bigint, places: number): string {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(places + 1, '0');
  return places === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}
