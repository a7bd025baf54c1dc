/** Time ranges of the reporter: half-open [fromMs, toMs) in epoch milliseconds, always UTC. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Longest range one request may ask for: bounds the files read and the points drawn per request. */
export const MAX_RANGE_DAYS = 31;
export const MAX_RANGE_MS = MAX_RANGE_DAYS * DAY_MS;
/** What a request without from/to covers. */
export const DEFAULT_RANGE_MS = DAY_MS;

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export class InvalidRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRangeError';
  }
}

/**
 * ISO-8601 date (`2026-11-27`, taken as UTC midnight) or date-time with a zone (`Z` or `+01:00`).
 * A date-time without a zone is refused: Date.parse would read it in the server's local time zone,
 * so the same URL would mean different hours on different hosts.
 */
export const ZONED_ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of a zoned ISO-8601 instant; null when the text is not one or names no real date. */
export function parseInstant(text: string): number | null {
  if (!ZONED_ISO_INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2026-02-30 over into March; the date part must read back unchanged.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const real = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  return real ? ms : null;
}

/** Why [fromMs, toMs) is not an acceptable range, or null when it is. */
export function rangeProblem(fromMs: number, toMs: number): string | null {
  if (!(toMs > fromMs)) return 'to must be after from';
  if (toMs - fromMs > MAX_RANGE_MS) {
    const days = Math.ceil((toMs - fromMs) / DAY_MS);
    return `the range spans ${days} days; at most ${MAX_RANGE_DAYS} days can be asked for at once`;
  }
  return null;
}

export interface RangeRequest {
  fromMs?: number;
  toMs?: number;
}

/**
 * The range a request means. Both ends given: as given. One end: a default-length range from or up to it.
 * Neither: the default-length range ending at `latestEndMs` (the end of the newest stored hour), so a
 * dashboard over a replayed or paused stream still shows its data instead of an empty "last 24 hours".
 * Throws InvalidRangeError for a reversed or too long range.
 */
export function resolveTimeRange(request: RangeRequest, latestEndMs: number, defaultSpanMs = DEFAULT_RANGE_MS): TimeRange {
  const { fromMs, toMs } = request;
  let range: TimeRange;
  if (fromMs !== undefined && toMs !== undefined) range = { fromMs, toMs };
  else if (fromMs !== undefined) range = { fromMs, toMs: fromMs + defaultSpanMs };
  else if (toMs !== undefined) range = { fromMs: toMs - defaultSpanMs, toMs };
  else range = { fromMs: latestEndMs - defaultSpanMs, toMs: latestEndMs };
  const problem = rangeProblem(range.fromMs, range.toMs);
  if (problem) throw new InvalidRangeError(problem);
  return range;
}

/** End of the hour containing `ms`, or `ms` itself when it is an hour boundary. */
export function ceilToHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** Start of every UTC hour that overlaps the range, in order. */
export function hourStartsOf(range: TimeRange): number[] {
  const hours: number[] = [];
  for (let start = Math.floor(range.fromMs / HOUR_MS) * HOUR_MS; start < range.toMs; start += HOUR_MS) hours.push(start);
  return hours;
}

/** "2026-11-27 09:00 – 2026-11-28 09:00 UTC": minutes shown, seconds only when the range has them. */
export function formatRangeLabel(range: TimeRange): string {
  return `${formatUtc(range.fromMs)} – ${formatUtc(range.toMs)} UTC`;
}

function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(16, 19) === ':00' && iso.slice(19, 23) === '.000' ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds}`;
}

/** Short axis label of an hour start: "11-27 09:00". */
export function hourLabel(hourStartMs: number): string {
  const iso = new Date(hourStartMs).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
