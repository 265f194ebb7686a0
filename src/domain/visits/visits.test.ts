import { describe, expect, it } from 'vitest';
import { fromDay } from '../core/dates';
import { D, encounter } from '../../../test/domain/builders';
import { summariseVisits } from './visits';

const asOf = D('2024-06-30');

describe('visits', () => {
  const encs = [
    encounter('a', asOf - 40, 'finished'),
    encounter('b', asOf - 12, 'arrived'),
    encounter('c', asOf - 5, 'cancelled'),
    encounter('d', asOf - 3, 'entered-in-error'),
    encounter('e', asOf + 10, 'planned'),
    encounter('f', asOf + 3, 'planned'),
    encounter('g', asOf - 20, 'planned'), // past planned: neither attended nor next
    encounter('h', asOf - 8, 'finished', 'EMER'),
    encounter('i', asOf - 45, 'finished', 'IMP'), // more than 30 days ago
  ];
  const v = summariseVisits(encs, asOf);

  it('classifies attended, missed, planned and ignores entered-in-error', () => {
    expect(v.attended.map((x) => x.reference)).toEqual([
      'Encounter/i',
      'Encounter/a',
      'Encounter/b',
      'Encounter/h',
    ]);
    expect(v.missed.map((x) => x.reference)).toEqual(['Encounter/c']);
    expect(v.nextPlanned?.reference).toBe('Encounter/f');
    expect(v.daysSinceLastAttended).toBe(8);
  });

  it('flags an ED visit in the last 30 days, not an older inpatient stay', () => {
    expect(v.acuteCareFlag).toBe(true);
    expect(v.recentAcuteCare.map((x) => x.reference)).toEqual(['Encounter/h']);
  });

  it('after a start: visit due within 28 days (3 for methadone)', () => {
    const start = asOf - 30;
    const none = summariseVisits([], asOf, { startDay: start, inMoud: true });
    expect(none.followUp).toMatchObject({ rule: 'after-start', overdue: true, daysOverdue: 2 });
    expect(fromDay(none.followUp!.dueDay)).toBe(fromDay(start + 28));
    const seen = summariseVisits([encounter('x', start + 10, 'finished')], asOf, {
      startDay: start,
      inMoud: true,
    });
    expect(seen.followUp?.overdue).toBe(false);
    const meth = summariseVisits([], start + 2, { startDay: start, methadoneStart: true });
    expect(meth.followUp).toMatchObject({
      rule: 'methadone-start',
      intervalDays: 3,
      overdue: false,
    });
  });

  it('during a taper: at least monthly', () => {
    const s = summariseVisits([encounter('x', asOf - 35, 'finished')], asOf, {
      tapering: true,
      longTermOpioid: true,
    });
    expect(s.followUp).toMatchObject({ rule: 'taper', overdue: true, daysOverdue: 5 });
  });

  it('an ED visit does not reset the follow-up clock (it is not the prescriber evaluation)', () => {
    // Clinic visit d35, ED d6, taper (monthly): due d35 − 30 = d5 → 5 days overdue,
    // although the ED visit 6 days ago is the last attended encounter.
    const s = summariseVisits(
      [encounter('clinic', asOf - 35, 'finished'), encounter('ed', asOf - 6, 'finished', 'EMER')],
      asOf,
      { tapering: true, longTermOpioid: true },
    );
    expect(s.lastAttended?.reference).toBe('Encounter/ed');
    expect(s.daysSinceLastAttended).toBe(6);
    expect(s.followUp).toMatchObject({ rule: 'taper', fromDay: asOf - 35, daysOverdue: 5 });
    expect(s.followUp?.evidence.resources).toEqual(['Encounter/clinic']);
  });
});
