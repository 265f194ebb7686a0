import { describe, expect, it } from 'vitest';
import { doseOf, dosesPerDay, PRN_FLAG } from './dosage';

describe('dosesPerDay', () => {
  it.each([
    [{ frequency: 2, period: 1, periodUnit: 'd' }, 2],
    [{ frequency: 1, frequencyMax: 3, period: 1, periodUnit: 'd' }, 3],
    [{ frequency: 1, period: 4, periodUnit: 'h' }, 6],
    [{ frequency: 1, period: 1, periodUnit: 'wk' }, 1 / 7],
    [{ frequency: 1, period: 1, periodUnit: 'mo' }, 1 / 30],
    [{ frequency: 1, period: 1, periodUnit: 'a' }, 1 / 365],
    [{ timeOfDay: ['08:00:00', '14:00:00', '20:00:00'] }, 3],
  ])('%j → %d per day', (repeat, perDay) => {
    const f = dosesPerDay({ timing: { repeat } });
    expect('perDay' in f && f.perDay).toBeCloseTo(perDay, 10);
  });
  it('reads HL7 timing codes when repeat is silent', () => {
    const f = dosesPerDay({ timing: { code: { coding: [{ code: 'BID' }] } } });
    expect('perDay' in f && f.perDay).toBe(2);
  });
  it('flags PRN', () => {
    const f = dosesPerDay({
      asNeededBoolean: true,
      timing: { repeat: { frequency: 4, period: 1, periodUnit: 'd' } },
    });
    expect('prn' in f && f.prn).toBe(true);
    expect(PRN_FLAG).toBe('PRN, max dose assumed');
  });
  it('says why when unknown', () => {
    expect(dosesPerDay({})).toEqual({ unknown: 'no timing' });
    expect(
      dosesPerDay({ timing: { repeat: { frequency: 1, periodUnit: 'fortnight' } } }),
    ).toHaveProperty('unknown');
    expect(dosesPerDay(null)).toEqual({ unknown: 'no timing' });
  });
});

describe('doseOf', () => {
  it('prefers the untyped entry, then "ordered"', () => {
    const d = doseOf({
      doseAndRate: [
        { type: { coding: [{ code: 'calculated' }] }, doseQuantity: { value: 9, unit: 'mg' } },
        { type: { coding: [{ code: 'ordered' }] }, doseQuantity: { value: 2, unit: 'mg' } },
      ],
    });
    expect(d).toMatchObject({ value: 2, unit: 'mg' });
    expect(
      doseOf({
        doseAndRate: [
          { type: { coding: [{ code: 'ordered' }] }, doseQuantity: { value: 2 } },
          { doseQuantity: { value: 3 } },
        ],
      }),
    ).toMatchObject({ value: 3 });
  });
  it('uses the high end of a range', () => {
    expect(
      doseOf({
        doseAndRate: [{ doseRange: { low: { value: 1 }, high: { value: 2, unit: 'tablet' } } }],
      }),
    ).toMatchObject({ value: 2, unit: 'tablet', detail: 'high end of doseRange' });
  });
  it('says why when unknown', () => {
    expect(doseOf({})).toEqual({ unknown: 'no dose' });
    expect(doseOf({ doseAndRate: [{ doseRange: { low: { value: 1 } } }] })).toHaveProperty(
      'unknown',
    );
  });
});
