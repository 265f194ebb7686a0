import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, dayOf, daysBetween, fromDay, toDay } from './dates';
import { dayOfText } from './guards';

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

  it('years 0–99 stay in the first century (Date.UTC would put them in the 1900s)', () => {
    expect(fromDay(toDay('0050-03-10')!)).toBe('0050-03-10');
    expect(fromDay(toDay('0099-12-31')!)).toBe('0099-12-31');
    expect(fromDay(toDay('0001')!)).toBe('0001-01-01');
    // Day numbers: 1950-03-10 is day −7237; 0050-03-10 is 1900 years (693,960 days) earlier.
    expect(toDay('1950-03-10')).toBe(-7237);
    expect(toDay('0050-03-10')).toBe(-7237 - 693_960);
    // Validity checks still work there: 0100 is not a leap year, 0096 is.
    expect(toDay('0100-02-29')).toBeUndefined();
    expect(fromDay(toDay('0096-02-29')!)).toBe('0096-02-29');
  });

  it('digits run together (no dashes) are unreadable, not a partial date', () => {
    expect(toDay('20240310')).toBeUndefined();
    expect(toDay('20240310T10:00:00Z')).toBeUndefined();
    expect(toDay('2024-0310')).toBeUndefined();
    expect(toDay('2024-03-1015')).toBeUndefined();
    expect(toDay('2024-03-10-05:00')).toBeUndefined();
    // …while real partial dates and dateTimes still read.
    expect(fromDay(toDay('2024-03')!)).toBe('2024-03-01');
    expect(fromDay(toDay('2024-03-10T10:00:00Z')!)).toBe('2024-03-10');
    expect(fromDay(toDay(' 2024-03-10 ')!)).toBe('2024-03-10');
  });

  it('the cached reader (dayOfText) agrees with toDay, whatever was read first', () => {
    expect(fromDay(dayOfText('2024-03-10T10:00:00Z')!)).toBe('2024-03-10');
    expect(dayOfText('2024-03-101')).toBeUndefined();
    expect(dayOfText('20240310')).toBeUndefined();
    expect(fromDay(dayOfText('2024-03-10')!)).toBe('2024-03-10');
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

  it('property: across DST changes, day arithmetic is independent of the process time zone', () => {
    // Random dateTimes in the US/EU DST-change weeks, with the offsets in force either
    // side, read under several process zones: whole days between two of them are the
    // difference of their calendar dates, whatever the zone or the 23/25-hour days.
    const saved = process.env.TZ;
    try {
      fc.assert(
        fc.property(
          fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'UTC'),
          fc.constantFrom('2024-03-0', '2024-03-1', '2024-10-2', '2024-11-0'),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.constantFrom('-05:00', '-04:00', '+01:00', '+02:00', '+10:00', '+11:00', 'Z'),
          (tz, prefix, a, b, off) => {
            process.env.TZ = tz;
            const x = toDay(`${prefix}${a}T00:30:00${off}`)!;
            const y = toDay(`${prefix}${b}T23:30:00${off}`)!;
            expect(daysBetween(x, y)).toBe(b - a);
            expect(fromDay(x)).toBe(`${prefix}${a}`);
          },
        ),
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('dayOf gives the calendar day in the named time zone', () => {
    const instant = new Date('2024-03-10T04:30:00Z'); // 23:30 on Mar 9 in New York, 04:30 Mar 10 in UTC
    expect(fromDay(dayOf(instant, 'America/New_York'))).toBe('2024-03-09');
    expect(fromDay(dayOf(instant, 'UTC'))).toBe('2024-03-10');
  });

  it('property: fromDay ∘ toDay round-trips and addDays agrees with daysBetween', () => {
    fc.assert(
      fc.property(
        // −719,162 is 0001-01-01: the range includes the years 0–99 Date.UTC gets wrong.
        fc.integer({ min: -719_162, max: 2_932_896 }),
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
