/**
 * stable-buprenorphine (Alex Rivera): bup/nal 8/2 mg film 1 twice daily, 28-day
 * orders every 28 days d440 … d20 (16 orders), visits on order days (d104 and
 * d48 telehealth), next visit asOf+8, tests d160/d104/d76/d48/d20 (bup detected,
 * fentanyl and 6-MAM not), naloxone d300, peer Task completed d33.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, isoD, ref } = scenario('stable-buprenorphine');

describe('stable-buprenorphine', () => {
  it('coverage: one unbroken episode from d440, projected run-out asOf+7', () => {
    // 16 orders × 28 days, each authored the day after the previous one ends:
    // d440 + 16 × 28 = 448 days → d440 .. d(440 − 448 + 1) = d−7 = asOf+7.
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.currentSegment).toMatchObject({ start: d(440), kind: 'first-start' });
    expect(s.coverage.hedisEpisodeStart).toBe(d(440));
    expect(s.coverage.runOutDay).toBe(asOf + 7);
    expect(s.coverage.daysSinceRunOut).toBeUndefined();
    // d440 .. d0 inclusive = 441 days.
    expect(s.coverage.daysInTreatment).toBe(441);
    expect(s.coverage.gaps).toEqual([]);
    // Every day of both windows is covered: 90/90 and 180/180.
    expect(s.coverage.pdc.map((p) => [p.days, p.coveredDays, p.value])).toEqual([
      [90, 90, 1],
      [180, 180, 1],
    ]);
    // 441 ≥ 180 → continuous treatment; milestone days = start + n − 1.
    expect(s.coverage.continuousTreatment).toBe(true);
    expect(s.coverage.milestones.map((m) => [m.days, m.status, m.day])).toEqual([
      [30, 'reached', d(411)],
      [90, 'reached', d(351)],
      [180, 'reached', d(261)],
    ]);
  });

  it('MME: buprenorphine for OUD and naloxone are not counted; current MME 0', () => {
    for (const o of s.orders) expect(orderMme(o).mmePerDay).toBeNull();
    expect(s.orders.filter((o) => o.category === 'moud-buprenorphine')).toHaveLength(16);
    expect(s.orders.filter((o) => o.category === 'naloxone-rescue')).toHaveLength(1);
    expect(s.mme.days.at(-1)).toMatchObject({ day: asOf, mme: 0, orders: [] });
  });

  it('taper: not on long-term opioids, no flags', () => {
    expect(s.taper.state).toBe('not-long-term');
    expect(s.taper.code?.code).toBe('not-on-long-term-opioids');
    expect(s.taper.currentMme).toBe(0);
    expect(s.taper.flags).toEqual([]);
  });

  it('visits: 16 attended, last d20, next asOf+8, none missed, no ED', () => {
    expect(s.visits.attended).toHaveLength(16);
    expect(s.visits.daysSinceLastAttended).toBe(20);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 8);
    expect(s.visits.missed).toEqual([]);
    expect(s.visits.acuteCareFlag).toBe(false);
    // Maintenance: 90 days from the last visit d20 → due d20 − 90 = asOf+70, met.
    expect(s.visits.followUp).toMatchObject({
      rule: 'moud-maintenance',
      dueDay: asOf + 70,
      overdue: false,
    });
  });

  it('drug tests: 15 results normalised; latest buprenorphine d20 detected while prescribed', () => {
    expect(s.drugTests.results).toHaveLength(15);
    expect(s.drugTests.results.filter((r) => r.result === 'detected')).toHaveLength(5);
    expect(s.drugTests.latestByAnalyte.buprenorphine).toMatchObject({
      day: d(20),
      result: 'detected',
    });
    expect(s.drugTests.latestByAnalyte['fentanyl-type']?.result).toBe('not-detected');
    expect(s.drugTests.latestByAnalyte.heroin?.result).toBe('not-detected');
    expect(s.drugTests.signals.map((x) => [x.kind, x.day])).toEqual([
      ['buprenorphine-consistent', d(20)],
    ]);
    // d20 is covered by the 16th order (d20 .. asOf+7): it is among the evidence.
    expect(s.drugTests.signals[0]!.evidence[1]!.resources).toContain(
      ref('MedicationRequest', 'bup-mr-16'),
    );
  });

  it('engagement: Engaged; peer contact 33 days ago is a concern (31–60 days)', () => {
    expect(s.engagement.dimensions.medication.level).toBe('good');
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-7)}.`,
      `441 days in treatment since ${isoD(440)}.`,
    ]);
    expect(s.engagement.dimensions.visits.level).toBe('good');
    expect(s.engagement.dimensions.tests.level).toBe('good');
    // Completed Task: no executionPeriod → lastModified d33 → 33 days.
    expect(s.engagement.dimensions.peer).toMatchObject({
      level: 'concern',
      reasons: ['Last peer contact 33 days ago.'],
    });
    // One concern only → row "engaged".
    expect(s.engagement.overall).toBe('Engaged');
    expect(s.engagement.rule.id).toBe('engaged');
    expect(s.engagement.code.code).toBe('engaged');
  });

  it('follow-ups: none (run-out 7 days away ≥ 3; peer only a concern)', () => {
    expect(s.followUps).toEqual([]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
