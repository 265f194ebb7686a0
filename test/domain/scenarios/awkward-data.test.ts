/**
 * awkward-data (Pat Quinn): bup/nal film orders in three shapes — d54 no
 * dosageInstruction (14 days), d40 medicationReference to a shared Medication
 * (14 days), d26 contained Medication (28 days) — plus an entered-in-error
 * duplicate, a local-code-only and a text-only order. Drug tests in every
 * result shape (one entered-in-error fentanyl "Positive"). Visits d54, d40, d26,
 * one entered-in-error Encounter, next asOf+2.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, ref } = scenario('awkward-data');

describe('awkward-data', () => {
  it('medications: coded, referenced and contained all classified; duplicate not counted; local/text-only unrecognised', () => {
    const cat = Object.fromEntries(
      s.orders.map((o) => [
        o.reference.replace('MedicationRequest/awkward-data-', ''),
        [o.category, o.counted],
      ]),
    );
    expect(cat).toEqual({
      'mr-no-timing': ['moud-buprenorphine', true],
      'mr-med-ref': ['moud-buprenorphine', true],
      'mr-contained': ['moud-buprenorphine', true],
      'mr-duplicate': ['moud-buprenorphine', false], // entered-in-error
      'mr-local-code': ['unrecognised', true],
      'mr-text-only': ['unrecognised', true],
    });
  });

  it('coverage: d54..d41 + d40..d27 + d26..asOf+1, continuous; the duplicate adds nothing', () => {
    // 14 + 14 + 28 = 56 days from d54 → d54 .. d(54 − 56 + 1) = d−1.
    // (Had the entered-in-error duplicate stacked, run-out would be asOf+29.)
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.runOutDay).toBe(asOf + 1);
    expect(s.coverage.daysInTreatment).toBe(55); // d54..d0
    expect(s.coverage.gaps).toEqual([]);
    // First supply d54 is inside both windows: 55 of 55.
    expect(s.coverage.pdc.map((p) => [p.days, p.coveredDays, p.value])).toEqual([
      [55, 55, 1],
      [55, 55, 1],
    ]);
    expect(s.coverage.milestones.map((m) => [m.status, m.day])).toEqual([
      ['reached', d(25)],
      ['in-progress', asOf + 35],
      ['in-progress', asOf + 125],
    ]);
  });

  it('drug tests: every shape normalised; entered-in-error ignored', () => {
    const byRef = Object.fromEntries(
      s.drugTests.results.map((r) => [
        r.reference.replace('Observation/awkward-data-', ''),
        r.result,
      ]),
    );
    expect(byRef).toEqual({
      'uds-norfentanyl-numeric-neg': 'not-detected', // 0.4 < 1 ng/mL
      'uds-bup-coded': 'detected', // SNOMED 260373001
      'uds-fentanyl-interp': 'not-detected', // interpretation NEG
      'uds-6mam-interp': 'not-detected',
      'uds-bup-numeric': 'detected', // 48 > 5 ng/mL
      'uds-opiates-string': 'not-detected', // "Negative"
      'uds-benzo-coded-neg': 'not-detected', // SNOMED 260415000
    });
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['buprenorphine-consistent', d(26)],
    ]);
  });

  it('visits: entered-in-error Encounter ignored; after-start visit met', () => {
    expect(s.visits.attended.map((v) => v.day)).toEqual([d(54), d(40), d(26)]);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 2);
    // Start d54, within 28 days → due d26; visits d40 and d26 qualify.
    expect(s.visits.followUp).toMatchObject({ rule: 'after-start', dueDay: d(26), met: true });
  });

  it('engagement and follow-ups', () => {
    expect(s.engagement.overall).toBe('Engaged');
    // Run-out asOf+1: 1 < 3 → "runs out in 2 days" (first day without: asOf+2), due asOf+1.
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay])).toEqual([
      ['moud-supply-ending', 'routine', asOf + 1],
      // MOUD on record, no rescue naloxone (bup/nal is not rescue) → routine naloxone offer in 7 days.
      ['naloxone-needed', 'routine', asOf + 7],
      ['peer-contact-gap', 'routine', asOf + 14],
    ]);
    expect(s.followUps[0]!.text).toBe(
      'Buprenorphine supply runs out in 2 days and no further supply is on record.',
    );
    expect(s.followUps[0]!.evidence.flatMap((e) => e.resources)).toContain(
      ref('MedicationRequest', 'mr-contained'),
    );
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
