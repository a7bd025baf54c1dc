/** Display formatting for the dashboard and charts. Money arrives as exact decimal text or integer cents. */

/** "1234567.89" -> "1,234,567.89"; keeps the digits exactly as given. */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction] = (negative ? decimal.slice(1) : decimal).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatCount(value: number): string {
  return groupThousands(String(Math.round(value)));
}

/** 123456 cents -> "$1,234.56" (the shop sells in USD). */
export function formatMoneyCents(cents: number, symbol = '$'): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return `${negative ? '-' : ''}${symbol}${groupThousands(text)}`;
}

/** Axis ticks in whole currency units: 1500 -> "$1.5k", 2000000 -> "$2M". */
export function formatMoneyTick(units: number, symbol = '$'): string {
  return `${units < 0 ? '-' : ''}${symbol}${compact(Math.abs(units))}`;
}

export function formatCountTick(value: number): string {
  return compact(value);
}

/** 0.1234 -> "12.3%". */
export function formatPercent(share: number, places = 1): string {
  return `${(share * 100).toFixed(places)}%`;
}

function compact(value: number): string {
  const trim = (n: number) => String(Number(n.toFixed(1)));
  if (Math.abs(value) >= 1e6) return `${trim(value / 1e6)}M`;
  if (Math.abs(value) >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}
