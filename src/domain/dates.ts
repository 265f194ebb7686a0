/**
 * Whole-day calendar arithmetic. Clinical rules here count days ("8 or more
 * uncovered days", "within 30 days"), so every date is reduced to a calendar
 * day number before any arithmetic. A FHIR dateTime keeps the calendar date it
 * was written in (its own offset), which makes the result independent of the
 * machine's time zone and of daylight-saving changes.
 */

/** Days since 1970-01-01 in the proleptic Gregorian calendar. */
export type DayNumber = number;

// YYYY, YYYY-MM or YYYY-MM-DD at the start; what follows must not be another
// digit or "-" (so "20240310" or "2024-03-1015" are unreadable, not 2024-01-01).
const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d-])/;

/**
 * The calendar day a FHIR date/dateTime/instant names, or undefined when it
 * cannot be read. Partial dates ("2024", "2024-03") take the first day.
 */
export function toDay(value: string | undefined | null): DayNumber | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // Not Date.UTC(year, …): it maps years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCMonth() !== month - 1) return undefined; // e.g. 2024-02-31
  return Math.round(d.getTime() / 86_400_000);
}

/** The ISO calendar date (YYYY-MM-DD) of a day number. */
export function fromDay(day: DayNumber): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Today's calendar day in the given IANA time zone (default: the runtime's). */
export function dayOf(instant: Date, timeZone?: string): DayNumber {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return toDay(`${get('year')}-${get('month')}-${get('day')}`) as DayNumber;
}

export function addDays(day: DayNumber, n: number): DayNumber {
  return day + Math.trunc(n);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: DayNumber, to: DayNumber): number {
  return to - from;
}
