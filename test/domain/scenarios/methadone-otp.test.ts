/**
 * methadone-otp (Robert Tran): methadone 10 mg/mL oral concentrate (OTP form,
 * reason OUD), 28-day orders every 28 days d398 … d6 (15 orders; 60 mg/day for
 * the first two, 90 mg/day after). Primary-care visits d360, d270, d180, d90,
 * next asOf+14. Tests d90, d6: methadone and EDDP detected, fentanyl not. No
 * peer Task.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, isoD } = scenario('methadone-otp');

describe('methadone-otp', () => {
  it('classification: methadone for OUD (OTP product + OUD reason) is MOUD, not an analgesic', () => {
    expect(s.orders).toHaveLength(15);
    for (const o of s.orders) {
      expect(o.category).toBe('moud-methadone');
      expect(o.moudProduct).toBe('methadone-otp');
      // MOUD methadone is never priced in MME (the 4.7 factor is for analgesic use).
      expect(orderMme(o).mmePerDay).toBeNull();
    }
    expect(s.mme.days.at(-1)?.mme).toBe(0);
    expect(s.taper.state).toBe('not-long-term');
  });

  it('coverage: continuous d398 .. asOf+21', () => {
    // 15 × 28 = 420 days from d398 → d398 .. d(398 − 420 + 1) = d−21.
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.currentSegment?.start).toBe(d(398));
    expect(s.coverage.runOutDay).toBe(asOf + 21);
    expect(s.coverage.daysInTreatment).toBe(399); // d398..d0
    expect(s.coverage.gaps).toEqual([]);
    expect(s.coverage.pdc.map((p) => p.value)).toEqual([1, 1]);
    expect(s.coverage.continuousTreatment).toBe(true);
    expect(s.coverage.medications).toEqual(['methadone hydrochloride 10 MG/ML Oral Solution']);
  });

  it('visits: last d90 — exactly the 90-day maintenance interval, due today, not overdue', () => {
    expect(s.visits.attended.map((v) => v.day)).toEqual([d(360), d(270), d(180), d(90)]);
    expect(s.visits.daysSinceLastAttended).toBe(90);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 14);
    // d90 + 90 = d0 = asOf.
    expect(s.visits.followUp).toMatchObject({
      rule: 'moud-maintenance',
      dueDay: asOf,
      overdue: false,
    });
  });

  it('drug tests: methadone and EDDP read into the methadone group; no buprenorphine or risk signal', () => {
    expect(s.drugTests.results.filter((r) => r.result === 'detected')).toHaveLength(4);
    expect(s.drugTests.latestByAnalyte.methadone).toMatchObject({ day: d(6), result: 'detected' });
    expect(s.drugTests.latestByAnalyte['fentanyl-type']?.result).toBe('not-detected');
    expect(s.drugTests.signals).toEqual([]);
    expect(s.drugTests.lastTestDay).toBe(d(6));
  });

  it('engagement: Engaged (visit 90 days ago is not > 90)', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Methadone supply covers today and lasts through ${isoD(-21)}.`,
      `399 days in treatment since ${isoD(398)}.`,
    ]);
    expect(s.engagement.dimensions.visits.level).toBe('good');
    expect(s.engagement.dimensions.tests).toMatchObject({
      level: 'good',
      reasons: ['Last urine drug test 6 days ago.'],
    });
    expect(s.engagement.dimensions.peer.level).toBe('no-data');
    expect(s.engagement.overall).toBe('Engaged');
  });

  it('follow-ups: naloxone offer (none on record) and a routine peer introduction', () => {
    // Methadone for OUD, no rescue naloxone on record → naloxone-needed, routine, 7 days.
    expect(s.followUps.map((f) => [f.code, f.dueDay])).toEqual([
      ['naloxone-needed', asOf + 7],
      ['peer-contact-gap', asOf + 14],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
