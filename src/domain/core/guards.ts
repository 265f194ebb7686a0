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

/** toDay of a field that may not be a string at all. */
export function dayOfText(value: unknown): DayNumber | undefined {
  return typeof value === 'string' ? toDay(value) : undefined;
}

/** The ISO calendar date of a day: the engine's short name for fromDay. */
export const iso: (day: DayNumber) => string = fromDay;
