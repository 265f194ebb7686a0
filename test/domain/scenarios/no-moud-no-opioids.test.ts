/**
 * no-moud-no-opioids (Helen Brooks-Adeyemi): lisinopril and atorvastatin,
 * 90-day supplies with 1 repeat, orders d350 and d170. Visits d350, d170; d80
 * cancelled; next asOf+10. No tests, no Tasks.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d } = scenario('no-moud-no-opioids');

describe('no-moud-no-opioids', () => {
  it('medications: none is MOUD, an opioid, a benzodiazepine or naloxone; none in MME', () => {
    expect(s.orders).toHaveLength(4);
    for (const o of s.orders) {
      // The fixture calls these "other"; the classifier reports a coded drug outside every
      // value set as "unrecognised" (medications.test.ts). Either way: not a class of interest.
      expect(['other', 'unrecognised']).toContain(o.category);
      expect(orderMme(o).mmePerDay).toBeNull();
    }
    expect(s.mme.days.every((x) => x.mme === 0)).toBe(true);
  });

  it('coverage, taper: no MOUD episode, not on long-term opioids, no flags', () => {
    expect(s.coverage.status).toBe('no-moud');
    expect(s.coverage.segments).toEqual([]);
    expect(s.coverage.gaps).toEqual([]);
    expect(s.taper.state).toBe('not-long-term');
    expect(s.taper.flags).toEqual([]);
  });

  it('visits: last attended d170, missed d80 (older than 30 days), next asOf+10; no follow-up rule applies', () => {
    expect(s.visits.attended.map((v) => v.day)).toEqual([d(350), d(170)]);
    expect(s.visits.missed.map((v) => v.day)).toEqual([d(80)]);
    expect(s.visits.recentMissed).toEqual([]);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 10);
    // Not in MOUD, not on long-term opioids, no taper → no CDC interval to check.
    expect(s.visits.followUp).toBeUndefined();
  });

  it('engagement: Not in MOUD treatment; no tests, no peer work; no follow-ups', () => {
    expect(s.drugTests.results).toEqual([]);
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    expect(s.engagement.code.code).toBe('not-in-treatment');
    expect(s.engagement.dimensions.tests.level).toBe('no-data');
    expect(s.engagement.dimensions.peer.level).toBe('no-data');
    expect(s.followUps).toEqual([]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
