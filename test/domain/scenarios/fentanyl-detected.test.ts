/**
 * fentanyl-detected (Taylor Nguyen): bup/nal 8/2 mg film, 28-day orders d264 …
 * d12 (10 orders), no gaps. Tests d40: bup detected, fentanyl and 6-MAM not;
 * d5: bup DETECTED, fentanyl DETECTED, 6-MAM not (SNOMED shape). No rescue
 * naloxone. Visits on order days and d5, next asOf+7. Peer Task accepted
 * (overdose-risk-test), authored d4, due asOf+1.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD, ref } = scenario('fentanyl-detected');

describe('fentanyl-detected', () => {
  it('coverage: continuous d264 .. asOf+15', () => {
    // 10 × 28 = 280 days from d264 → d264 .. d(264 − 280 + 1) = d−15.
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.currentSegment?.start).toBe(d(264));
    expect(s.coverage.runOutDay).toBe(asOf + 15);
    expect(s.coverage.daysInTreatment).toBe(265);
    expect(s.coverage.pdc.map((p) => p.value)).toEqual([1, 1]);
    expect(s.coverage.gaps).toEqual([]);
  });

  it('drug tests: fentanyl detected d5 → overdose-risk signal; buprenorphine consistent', () => {
    const d5 = s.drugTests.results.filter((r) => r.day === d(5));
    expect(d5.map((r) => [r.analytes[0], r.result])).toEqual([
      ['buprenorphine', 'detected'],
      ['fentanyl-type', 'detected'],
      ['heroin', 'not-detected'],
    ]);
    // Only the d5 fentanyl is within 30 days and detected (d40 was not detected).
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['overdose-risk', d(5)],
      ['buprenorphine-consistent', d(5)],
    ]);
    expect(s.drugTests.signals[0]!.text).toBe(
      'Fentanyl detected in a urine test 5 days ago: high overdose risk. Offer naloxone and reach out.',
    );
    expect(s.drugTests.signals[0]!.evidence.flatMap((e) => e.resources)).toEqual([
      ref('Observation', 'uds-fentanyl-2'),
    ]);
  });

  it('rescue naloxone: bup/nal is not rescue naloxone, none on record', () => {
    expect(s.orders.some((o) => o.category === 'naloxone-rescue')).toBe(false);
    expect(s.orders.every((o) => o.category === 'moud-buprenorphine')).toBe(true);
  });

  it('visits: last d5, next asOf+7, no ED', () => {
    expect(s.visits.daysSinceLastAttended).toBe(5);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 7);
    expect(s.visits.acuteCareFlag).toBe(false);
  });

  it('engagement: tests serious (fentanyl), peer concern → At risk', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-15)}.`,
      `265 days in treatment since ${isoD(264)}.`,
    ]);
    expect(s.engagement.dimensions.tests.level).toBe('serious');
    expect(s.engagement.dimensions.peer.level).toBe('concern');
    expect(s.engagement.overall).toBe('At risk');
    expect(s.engagement.rule.id).toBe('any-serious');
  });

  it('safety: no rescue naloxone on record (bup/nal is not rescue) → no-naloxone flag', () => {
    expect(s.safety.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for everyone receiving OUD treatment and anyone with fentanyl detected in a recent urine test.',
      ],
    ]);
  });

  it('follow-up: overdose risk → asap, due in 1 day, linked to the open accepted Task', () => {
    // The overdose-risk contact already includes naloxone: no separate naloxone-needed.
    expect(s.followUps).toHaveLength(1);
    expect(s.followUps[0]).toMatchObject({
      code: 'overdose-risk-test',
      priority: 'asap',
      dueDay: asOf + 1,
      triggerDay: d(5),
      openTask: ref('Task', 'peer-task-1'),
    });
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
