import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, dayOf, daysBetween, fromDay, toDay } from './dates';

describe('toDay / fromDay', () => {
  it('reads dates, dateTimes, instants and partial dates', () => {
    expect(toDay('1970-01-01')).toBe(0);
    expect(fromDay(toDay('2024-03-10T01:30:00-05:00')!)).toBe('2024-03-10');
    expect(fromDay(toDay('2024-03')!)).toBe('2024-03-01');
    expect(fromDay(toDay('2024')!)).toBe('2024-01-01');
    expect(toDay('2024-02-30')).toBeUndefined();
    expect(toDay('not a date')).toBeUndefined();
    expect(toDay(undefined)).toBeUndefined();
  });

  it('DST spring-forward in the US: -05:00 vs -04:00 on the same calendar day are the same day', () => {
    // 2024-03-10 02:00 local → 03:00 in America/New_York.
    const before = toDay('2024-03-10T01:30:00-05:00')!;
    const after = toDay('2024-03-10T03:30:00-04:00')!;
    expect(after).toBe(before);
    expect(
      daysBetween(toDay('2024-03-09T23:30:00-05:00')!, toDay('2024-03-11T00:30:00-04:00')!),
    ).toBe(2);
    // A 23-hour day still counts as one day.
    expect(daysBetween(toDay('2024-03-10')!, toDay('2024-03-11')!)).toBe(1);
  });

  it('DST fall-back (25-hour day) counts as one day', () => {
    expect(
      daysBetween(toDay('2024-11-03T00:30:00-04:00')!, toDay('2024-11-04T00:30:00-05:00')!),
    ).toBe(1);
  });

  it('is independent of the process time zone', () => {
    const saved = process.env.TZ;
    const results: number[] = [];
    for (const tz of ['America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      process.env.TZ = tz;
      results.push(toDay('2024-03-10T01:30:00-05:00')!, toDay('2024-11-03T01:30:00-04:00')!);
    }
    process.env.TZ = saved;
    expect(new Set(results.filter((_, i) => i % 2 === 0)).size).toBe(1);
    expect(new Set(results.filter((_, i) => i % 2 === 1)).size).toBe(1);
  });

  it('dayOf gives the calendar day in the named time zone', () => {
    const instant = new Date('2024-03-10T04:30:00Z'); // 23:30 on Mar 9 in New York, 04:30 Mar 10 in UTC
    expect(fromDay(dayOf(instant, 'America/New_York'))).toBe('2024-03-09');
    expect(fromDay(dayOf(instant, 'UTC'))).toBe('2024-03-10');
  });

  it('property: fromDay ∘ toDay round-trips and addDays agrees with daysBetween', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (d, n) => {
          expect(toDay(fromDay(d))).toBe(d);
          expect(daysBetween(d, addDays(d, n))).toBe(n);
        },
      ),
    );
  });

  it('property: the offset never changes the calendar day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: -12, max: 14 }),
        (d, h, off) => {
          const sign = off < 0 ? '-' : '+';
          const s = `${fromDay(d)}T${String(h).padStart(2, '0')}:15:00${sign}${String(Math.abs(off)).padStart(2, '0')}:00`;
          expect(toDay(s)).toBe(d);
        },
      ),
    );
  });
});
