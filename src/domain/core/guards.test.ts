import { describe, expect, it } from 'vitest';
import { fromDay, fromDayByDate, toDayByPattern } from './dates';
import { codingsOf, dayOfText, items, num, obj, objects, present, str } from './guards';

// dates.ts converts dates arithmetically for speed; it must agree exactly with
// the reference reading (pattern + Date) and formatting (Date).
describe('the fast day arithmetic agrees with the reference implementations', () => {
  it('every day from 1890 to 2110, as date, dateTime and padded text', () => {
    const first = toDayByPattern('1890-01-01') as number;
    const last = toDayByPattern('2110-12-31') as number;
    const mismatches: string[] = [];
    for (let d = first; d <= last; d++) {
      const s = fromDayByDate(d);
      if (fromDay(d) !== s) mismatches.push(`fromDay(${d})`);
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
      expect([d, fromDay(d)]).toEqual([d, fromDayByDate(d)]);
    expect(() => fromDay(Number.NaN)).toThrow(RangeError);
  });
});

describe('one set of guards, each with its rule', () => {
  const mixed: unknown[] = [{ a: 1 }, null, undefined, 'x', 0, [1]];
  it('items keeps every entry (a bad one is reported later), present drops only null/undefined, objects keeps objects', () => {
    expect(items(mixed)).toEqual(mixed);
    expect(present(mixed)).toEqual([{ a: 1 }, 'x', 0, [1]]);
    expect(objects(mixed)).toEqual([{ a: 1 }, [1]]);
    for (const notArray of [undefined, null, 'x', { length: 1 }]) {
      expect(items(notArray)).toEqual([]);
      expect(present(notArray)).toEqual([]);
      expect(objects(notArray)).toEqual([]);
    }
  });

  it('obj, str, num and codingsOf read only what has the shape', () => {
    expect(obj([])).toBeUndefined();
    expect(obj({ a: 1 })).toEqual({ a: 1 });
    expect(str('  ')).toBeUndefined();
    expect(num(Number.NaN)).toBeUndefined();
    expect(codingsOf({ coding: [null, { code: 'x' }, 'y'] })).toEqual([{ code: 'x' }]);
    expect(codingsOf([{ coding: [{ code: 'x' }] }])).toEqual([]);
  });
});
