/** Guards for reading resource fields that may not have their R4 shape. */
export const arr = <T>(v: T[] | T | undefined | null): T[] =>
  Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [];
export const codingsOf = (
  cc: unknown,
): { system?: unknown; code?: unknown; display?: unknown }[] => {
  const c = cc && typeof cc === 'object' ? (cc as { coding?: unknown }).coding : undefined;
  return Array.isArray(c)
    ? c.filter(
        (x): x is { system?: unknown; code?: unknown; display?: unknown } =>
          x !== null && typeof x === 'object',
      )
    : [];
};

import { fromDay, toDay, type DayNumber } from './dates';

// Day ↔ calendar-date arithmetic without Date objects (H. Hinnant's
// days_from_civil / civil_from_days). The engine converts thousands of dates
// per derivation; these give exactly what dates.ts gives (safe.test.ts checks
// that over centuries), and fall back to it outside the plain cases.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function isoOf(day: DayNumber): string {
  // Plain integer days of years 1000–9999; toISOString handles the rest (and throws alike).
  if (!Number.isInteger(day) || day < -354_285 || day > 2_932_896) return fromDay(day);
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

// Memoised: the same few thousand days are formatted many times per derivation.
const isoCache = new Map<DayNumber, string>();
export function iso(day: DayNumber): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = isoOf(day);
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(day, s);
  }
  return s;
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * toDay of a FHIR date/dateTime. "YYYY-MM-DD…" with a year from 1000 is read
 * here (no regex, no Date, no allocation); anything else goes to toDay.
 */
export function dayOfText(value: unknown): DayNumber | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.length > 0 && value.charCodeAt(0) > 32 ? value : value.trim();
  if (t.length < 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return toDay(t);
  // A digit or "-" right after the date ("2024-03-101") is toDay's to refuse.
  if (t.length > 10 && (digit(t, 10) >= 0 || t.charCodeAt(10) === 45)) return toDay(t);
  const y0 = digit(t, 0);
  const y1 = digit(t, 1);
  const y2 = digit(t, 2);
  const y3 = digit(t, 3);
  const m0 = digit(t, 5);
  const m1 = digit(t, 6);
  const d0 = digit(t, 8);
  const d1 = digit(t, 9);
  if (y0 < 1 || y1 < 0 || y2 < 0 || y3 < 0 || m0 < 0 || m1 < 0 || d0 < 0 || d1 < 0) return toDay(t);
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1) return undefined;
  const max = m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number);
  if (d > max) return undefined;
  return daysFromCivil(y, m, d);
}
