/**
 * new-start (Maria Santos): first ever MOUD. Bup/nal 8/2 mg film 1 twice daily,
 * qty 14, 7-day orders d18, d11, d4. Visits d18 (AMB), d11 (VR), d4 (AMB), next
 * asOf+3. Tests (valueString): d18 opiates detected, buprenorphine and fentanyl
 * not detected (before the first dose); d4 buprenorphine detected, opiates not.
 * Peer Task in-progress (moud-start), authored d17, due asOf+4.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD, ref } = scenario('new-start');

describe('new-start', () => {
  it('coverage: started d18, 19 days in treatment, run-out asOf+2', () => {
    // 3 × 7 days stacked from d18: d18 .. d(18 − 21 + 1) = d−2 = asOf+2.
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.currentSegment).toMatchObject({ start: d(18), kind: 'first-start' });
    expect(s.coverage.runOutDay).toBe(asOf + 2);
    // d18 .. d0 = 19 days.
    expect(s.coverage.daysInTreatment).toBe(19);
    expect(s.coverage.gaps).toEqual([]);
    // No supply before d18: both windows count from d18 → 19 of 19 days.
    expect(s.coverage.pdc.map((p) => [p.fromDay, p.days, p.coveredDays, p.value])).toEqual([
      [d(18), 19, 19, 1],
      [d(18), 19, 19, 1],
    ]);
    // 19 days so far: every milestone in progress; 30 days reached on d18 + 29 = asOf+11.
    expect(s.coverage.continuousTreatment).toBe(false);
    expect(s.coverage.milestones.map((m) => [m.days, m.status, m.day])).toEqual([
      [30, 'in-progress', asOf + 11],
      [90, 'in-progress', asOf + 71],
      [180, 'in-progress', asOf + 161],
    ]);
  });

  it('MME / taper: no opioid analgesic → 0 MME/day, not on long-term opioids', () => {
    expect(s.mme.days.at(-1)?.mme).toBe(0);
    expect(s.taper.state).toBe('not-long-term');
    expect(s.taper.flags).toEqual([]);
  });

  it('visits: 3 attended, last d4, next asOf+3; the after-start visit was met', () => {
    expect(s.visits.attended.map((v) => v.day)).toEqual([d(18), d(11), d(4)]);
    expect(s.visits.daysSinceLastAttended).toBe(4);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 3);
    expect(s.visits.recentMissed).toEqual([]);
    expect(s.visits.acuteCareFlag).toBe(false);
    // CDC: within 28 days of the start d18 → due d18 − 28 = asOf+10; d11 and d4 qualify.
    expect(s.visits.followUp).toMatchObject({
      rule: 'after-start',
      fromDay: d(18),
      dueDay: asOf + 10,
      met: true,
      overdue: false,
    });
  });

  it('drug tests: valueString read; pre-dose "not detected" superseded by d4 detected', () => {
    const byRef = Object.fromEntries(s.drugTests.results.map((r) => [r.reference, r.result]));
    expect(byRef).toEqual({
      [ref('Observation', 'uds-opiates-1')]: 'detected',
      [ref('Observation', 'uds-bup-1')]: 'not-detected',
      [ref('Observation', 'uds-fentanyl-1')]: 'not-detected',
      [ref('Observation', 'uds-bup-2')]: 'detected',
      [ref('Observation', 'uds-opiates-2')]: 'not-detected',
    });
    expect(s.drugTests.results.every((r) => r.readFrom === 'valueString')).toBe(true);
    // Only the latest buprenorphine result (d4) is compared with the prescription.
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['buprenorphine-consistent', d(4)],
    ]);
  });

  it('engagement: Engaged — covered every day since the start; peer contact not completed yet', () => {
    expect(s.engagement.dimensions.medication.level).toBe('good');
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-2)}.`,
      `19 days in treatment since ${isoD(18)}.`,
    ]);
    expect(s.engagement.dimensions.visits.level).toBe('good');
    expect(s.engagement.dimensions.tests.level).toBe('good');
    // Only an in-progress peer Task: "no completed peer contact yet" (concern), not overdue (due asOf+4).
    expect(s.engagement.dimensions.peer).toMatchObject({
      level: 'concern',
      reasons: ['No completed peer contact yet.'],
    });
    expect(s.engagement.overall).toBe('Engaged');
  });

  it('follow-ups: supply ends in the next 3 days → routine check-in due on the last covered day', () => {
    // Run-out asOf+2: runOut − asOf = 2 < 3 (supplyEndingSoonDays). First day without
    // medication asOf+3 ("in 3 days"). The start (18 days ago) is past the 14-day window.
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay])).toEqual([
      ['moud-supply-ending', 'routine', asOf + 2],
      // MOUD on record, no rescue naloxone (bup/nal is not rescue) → routine naloxone offer in 7 days.
      ['naloxone-needed', 'routine', asOf + 7],
    ]);
    expect(s.followUps[0]!.text).toBe(
      'Buprenorphine supply runs out in 3 days and no further supply is on record.',
    );
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
