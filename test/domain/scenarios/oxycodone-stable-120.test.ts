/**
 * oxycodone-stable-120 (Patricia Hughes): oxycodone ER 40 mg 1 tablet twice
 * daily, qty 60, 30-day orders every 30 days d460 … d10 (16 orders). Naloxone
 * d190. Visits every 90 days d460 … d10, next asOf+80. Tests d190, d10:
 * oxycodone detected, fentanyl not (interpretation only). No MOUD.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, ref } = scenario('oxycodone-stable-120');

describe('oxycodone-stable-120', () => {
  it('MME per order: 40 mg × 2/day = 80 mg/day × 1.5 = 120', () => {
    const oxy = s.orders.filter((o) => o.category === 'opioid-analgesic');
    expect(oxy).toHaveLength(16);
    for (const o of oxy) expect(orderMme(o)).toMatchObject({ mmePerDay: 120, flags: [] });
    // Today only the d10 order is active (d10 .. d10 − 29 = asOf+19).
    expect(s.mme.days.at(-1)).toMatchObject({
      mme: 120,
      orders: [ref('MedicationRequest', 'oxycodone-mr-16')],
    });
    // Contiguous 30-day orders: every day of the 365-day series is 120.
    expect(s.mme.days).toHaveLength(365);
    expect(s.mme.days.every((x) => x.mme === 120)).toBe(true);
  });

  it('taper: long-term, stable at 120 (baseline 120); ≥50 and ≥90 flags; naloxone on record', () => {
    expect(s.taper.longTermNow).toBe(true);
    expect(s.taper.state).toBe('stable');
    expect(s.taper.code?.code).toBe('stable');
    expect(s.taper.baselineMme).toBe(120);
    expect(s.taper.currentMme).toBe(120);
    expect(s.taper.pacePctPer30Days).toBeUndefined();
    expect(s.taper.taperStartDay).toBeUndefined();
    expect(s.taper.flags.map((f) => f.kind)).toEqual(['mme-50', 'mme-90']);
  });

  it('coverage: no MOUD', () => {
    expect(s.coverage.status).toBe('no-moud');
    expect(s.coverage.daysInTreatment).toBe(0);
    expect(s.coverage.pdc.map((p) => [p.days, p.value])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('visits: long-term opioid therapy → every 90 days; d10 + 90 = asOf+80, met', () => {
    expect(s.visits.attended).toHaveLength(6);
    expect(s.visits.daysSinceLastAttended).toBe(10);
    expect(s.visits.nextPlanned?.day).toBe(asOf + 80);
    expect(s.visits.followUp).toMatchObject({
      rule: 'long-term-opioid',
      fromDay: d(10),
      dueDay: asOf + 80,
      overdue: false,
    });
  });

  it('drug tests: oxycodone detected, fentanyl not detected; no signals', () => {
    expect(s.drugTests.latestByAnalyte.oxycodone).toMatchObject({ day: d(10), result: 'detected' });
    expect(s.drugTests.latestByAnalyte['fentanyl-type']?.result).toBe('not-detected');
    expect(s.drugTests.signals).toEqual([]);
  });

  it('engagement: Not in MOUD treatment; no follow-ups', () => {
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    expect(s.engagement.dimensions.medication.level).toBe('not-applicable');
    expect(s.followUps).toEqual([]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
