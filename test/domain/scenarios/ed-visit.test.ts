/**
 * ed-visit (Morgan Ellis): bup/nal 8/2 mg SL tablet 2 once daily, 28-day orders
 * d183 … d15 (7 orders), no gaps. ED encounter (EMER, finished) d6. Clinic
 * visits on order days, next asOf+2. No urine tests. Peer Task requested
 * (acute-care-visit) authored d5, due asOf+1. Naloxone d183.
 */
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario';

const { s, asOf, d, isoD, ref } = scenario('ed-visit');

describe('ed-visit', () => {
  it('coverage: continuous d183 .. asOf+12; 180-day milestone reached d4', () => {
    // 7 × 28 = 196 days from d183 → d183 .. d(183 − 196 + 1) = d−12.
    expect(s.coverage.status).toBe('covered');
    expect(s.coverage.runOutDay).toBe(asOf + 12);
    expect(s.coverage.daysInTreatment).toBe(184); // d183..d0
    // 180 days: d183 + 179 = d4 → reached; 184 ≥ 180 → continuous.
    expect(s.coverage.milestones.at(-1)).toMatchObject({ status: 'reached', day: d(4) });
    expect(s.coverage.continuousTreatment).toBe(true);
    expect(s.coverage.pdc.map((p) => p.value)).toEqual([1, 1]);
  });

  it('visits: ED d6 flagged; the follow-up clock still runs from the clinic visit d15', () => {
    expect(s.visits.acuteCareFlag).toBe(true);
    expect(s.visits.recentAcuteCare.map((v) => [v.reference, v.day, v.classCode])).toEqual([
      [ref('Encounter', 'ed-1'), d(6), 'EMER'],
    ]);
    expect(s.visits.daysSinceLastAttended).toBe(6);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 2);
    // Maintenance 90 days from d15 → due asOf+75.
    expect(s.visits.followUp).toMatchObject({
      rule: 'moud-maintenance',
      fromDay: d(15),
      dueDay: asOf + 75,
      overdue: false,
    });
  });

  it('drug tests: none on record', () => {
    expect(s.drugTests.results).toEqual([]);
    expect(s.drugTests.signals).toEqual([]);
  });

  it('MME / taper: no analgesic opioid; naloxone on record', () => {
    expect(s.mme.days.at(-1)?.mme).toBe(0);
    expect(s.taper.state).toBe('not-long-term');
    expect(s.orders.filter((o) => o.category === 'naloxone-rescue')).toHaveLength(1);
  });

  it('engagement: visits concern (ED), tests no-data, peer concern → At risk (two concerns)', () => {
    expect(s.engagement.dimensions.medication.reasons).toEqual([
      `Buprenorphine supply covers today and lasts through ${isoD(-12)}.`,
      `184 days in treatment since ${isoD(183)}.`,
    ]);
    expect(s.engagement.dimensions.visits.level).toBe('concern');
    expect(s.engagement.dimensions.visits.reasons).toContain(
      'Emergency or hospital care 6 days ago.',
    );
    expect(s.engagement.dimensions.tests.level).toBe('no-data');
    expect(s.engagement.dimensions.peer.level).toBe('concern');
    expect(s.engagement.overall).toBe('At risk');
    expect(s.engagement.rule.id).toBe('two-concerns');
  });

  it('follow-up: ED visit → urgent; "within 2 days" of d6 was d4, so due today; linked to the open Task', () => {
    expect(s.followUps).toHaveLength(1);
    expect(s.followUps[0]).toMatchObject({
      code: 'acute-care-visit',
      priority: 'urgent',
      dueDay: asOf,
      triggerDay: d(6),
      text: 'Emergency department visit 6 days ago.',
      openTask: ref('Task', 'peer-task-1'),
    });
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
