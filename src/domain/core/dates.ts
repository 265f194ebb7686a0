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
 * The engine reads thousands of dates per derivation: "YYYY-MM-DD…" with a
 * year from 1000 is read by integer arithmetic (no regex, no Date, no
 * allocation); anything else by the reference reading below, which it
 * matches exactly (dates.test.ts checks every day over centuries).
 */
export function toDay(value: string | undefined | null): DayNumber | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.length > 0 && value.charCodeAt(0) > 32 ? value : value.trim();
  if (t.length < 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return toDayByPattern(t);
  // A digit or "-" right after the date ("2024-03-101") is the pattern's to refuse.
  if (t.length > 10 && (digit(t, 10) >= 0 || t.charCodeAt(10) === 45)) return toDayByPattern(t);
  const y0 = digit(t, 0);
  const y1 = digit(t, 1);
  const y2 = digit(t, 2);
  const y3 = digit(t, 3);
  const m0 = digit(t, 5);
  const m1 = digit(t, 6);
  const d0 = digit(t, 8);
  const d1 = digit(t, 9);
  if (y0 < 1 || y1 < 0 || y2 < 0 || y3 < 0 || m0 < 0 || m1 < 0 || d0 < 0 || d1 < 0) {
    return toDayByPattern(t);
  }
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1) return undefined;
  const max = m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number);
  if (d > max) return undefined;
  return daysFromCivil(y, m, d);
}

/** The reference reading of a date, by pattern and Date: what toDay must match. */
export function toDayByPattern(value: string): DayNumber | undefined {
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

// Memoised: the same few thousand days are formatted many times per derivation.
const isoCache = new Map<DayNumber, string>();

/** The ISO calendar date (YYYY-MM-DD) of a day number. */
export function fromDay(day: DayNumber): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = isoOf(day);
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(day, s);
  }
  return s;
}

/** The reference formatting, by Date: what fromDay must match. */
export function fromDayByDate(day: DayNumber): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

// Day ↔ calendar-date arithmetic without Date objects (H. Hinnant's
// days_from_civil / civil_from_days).

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function isoOf(day: DayNumber): string {
  // Plain integer days of years 1000–9999; Date handles the rest (and throws alike).
  if (!Number.isInteger(day) || day < -354_285 || day > 2_932_896) return fromDayByDate(day);
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

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
