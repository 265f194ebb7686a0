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

// Memoised day conversions: the engine converts the same few thousand days
// many times; Date formatting dominated the heavy-patient profile.
const isoCache = new Map<DayNumber, string>();
export function iso(day: DayNumber): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = fromDay(day);
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(day, s);
  }
  return s;
}
const FULL_DATE = /^\d{4}-\d{2}-\d{2}/;
const dayCache = new Map<string, DayNumber | undefined>();
/**
 * toDay, cached by the calendar-date prefix plus the next character (toDay
 * reads nothing further; that character decides "2024-03-10T…" vs "2024-03-101").
 */
export function dayOfText(value: unknown): DayNumber | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (!FULL_DATE.test(t)) return toDay(t);
  const key = t.slice(0, 11);
  if (dayCache.has(key)) return dayCache.get(key);
  const d = toDay(t);
  if (dayCache.size > 50_000) dayCache.clear();
  dayCache.set(key, d);
  return d;
}
