import { describe, expect, it } from 'vitest';
import { fromDayByDate, toDayByPattern } from './dates';
import { dayOfText, iso } from './guards';

// dates.ts converts dates arithmetically for speed; it must agree exactly with
// the reference reading (pattern + Date) and formatting (Date).
describe('the fast day arithmetic agrees with the reference implementations', () => {
  it('every day from 1890 to 2110, as date, dateTime and padded text', () => {
    const first = toDayByPattern('1890-01-01') as number;
    const last = toDayByPattern('2110-12-31') as number;
    const mismatches: string[] = [];
    for (let d = first; d <= last; d++) {
      const s = fromDayByDate(d);
      if (iso(d) !== s) mismatches.push(`iso(${d})`);
      if (dayOfText(s) !== d) mismatches.push(s);
      if (dayOfText(`${s}T23:59:59-05:00`) !== d) mismatches.push(`${s}T…`);
      if (dayOfText(`  ${s}  `) !== d) mismatches.push(`"  ${s}  "`);
    }
    expect(mismatches).toEqual([]);
  });

  it('edges: impossible dates, short and odd text, early years, other whitespace', () => {
    const cases: unknown[] = [
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '2024-01-32',
      '2024-1-01',
      '2024-03-101',
      '2024-03-10-',
      '2024-03-10T',
      '20240310',
      '0005-01-01',
      '2024-01',
      '2024',
      '0050-06-15',
      '0999-12-31',
      '1000-01-01',
      '9999-12-31',
      '\u00a02024-03-10',
      '\t2024-03-10',
      '2024-03-10\n',
      '2024/03/10',
      'x2024-03-10',
      '2024-03-1x',
      '',
      ' ',
      undefined,
      null,
      20240310,
    ];
    for (const c of cases) {
      const expected = typeof c === 'string' ? toDayByPattern(c) : undefined;
      expect([c, dayOfText(c)]).toEqual([c, expected]);
    }
  });

  it('iso outside the plain range or of non-integers matches the Date formatting', () => {
    for (const d of [-354_286, -354_285, 2_932_896, 2_932_897, -800_000, 3_000_000, 0.5, -0.5, -0])
      expect([d, iso(d)]).toEqual([d, fromDayByDate(d)]);
    expect(() => iso(Number.NaN)).toThrow(RangeError);
  });
});
