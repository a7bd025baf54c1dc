const MINUTE_MS = 60_000;
/** Largest |epoch ms| a Date can hold; outside it toISOString throws, and so must we. */
const MAX_DATE_MS = 8.64e15;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `new Date(ms).toISOString()`, ~15x cheaper for times that mostly fall in the same minute as the previous one
 * (a stream's event times). The part up to the minute ("2026-11-27T16:49:") comes from toISOString itself,
 * once per minute, so the date, the year format and the time zone handling are Date's own; only seconds and
 * milliseconds are appended here. One formatter per stream: it remembers the last minute.
 */
export class IsoTimeFormatter {
  private minute = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    if (!(Math.abs(ms) <= MAX_DATE_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
    const minute = Math.floor(ms / MINUTE_MS);
    if (minute !== this.minute) {
      const iso = new Date(minute * MINUTE_MS).toISOString();
      // Drop "SS.sssZ" (always "00.000Z" here): what is left ends with the minute and its colon.
      this.prefix = iso.slice(0, iso.length - 7);
      this.minute = minute;
    }
    const inMinute = ms - minute * MINUTE_MS;
    const seconds = Math.floor(inMinute / 1000);
    return `${this.prefix}${TWO_DIGITS[seconds]}.${THREE_DIGITS[inMinute - seconds * 1000]}Z`;
  }
}
