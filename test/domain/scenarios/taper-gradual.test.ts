/**
 * taper-gradual (Linda Park): oxycodone 20 mg/mL solution, 4 times daily,
 * 30-day orders back to back. 15 mg QID (90 MME) d500 … d170 (→ d141); then
 * d140 14 mg (84), d110 13 mg (78), d80 12 mg (72), d50 11 mg (66), d20 10 mg
 * (60, through asOf+9). Naloxone d140. Monthly visits d140 … d20, next asOf+10.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, ref } = scenario('taper-gradual');

describe('taper-gradual', () => {
  it('MME per order: mg × 4/day × 1.5', () => {
    const mme = (n: number) =>
      orderMme(s.orders.find((o) => o.reference === ref('MedicationRequest', `oxycodone-mr-${n}`))!)
        .mmePerDay;
    expect(mme(1)).toBe(90); // 15 × 4 = 60 mg × 1.5
    expect(mme(13)).toBe(84); // 14 × 4 = 56 × 1.5
    expect(mme(14)).toBe(78); // 13 × 4 = 52 × 1.5
    expect(mme(15)).toBe(72); // 12 × 4 = 48 × 1.5
    expect(mme(16)).toBe(66); // 11 × 4 = 44 × 1.5
    expect(mme(17)).toBe(60); // 10 × 4 = 40 × 1.5
    expect(s.mme.days.at(-1)?.mme).toBe(60);
    // d21 is the last day of the 66 step, d20 the first of the 60 step.
    expect(s.mme.days.find((x) => x.day === d(21))?.mme).toBe(66);
    expect(s.mme.days.find((x) => x.day === d(20))?.mme).toBe(60);
  });

  it('taper: gradual, 6.7% of baseline per month', () => {
    // Baseline 90: the last day whose 30-day mean is 90 is d141 (window d170..d141).
    // Below baseline − 5% tolerance (85.5) since d140. Months started: ceil(141 / 30) = 5.
    // Fall 90 → 60 = 30 = 33.3% of baseline; ÷ 5 = 6.67 → 6.7%/month (≤ 10: gradual).
    // Last 30 days: 66 (d30) → 60 = 6.7% (not > 30, so it does not override).
    expect(s.taper).toMatchObject({
      state: 'tapering-gradual',
      longTermNow: true,
      baselineMme: 90,
      baselineDay: d(141),
      currentMme: 60,
      pacePctPer30Days: 6.7,
      taperStartDay: d(140),
    });
    expect(s.taper.code?.code).toBe('tapering-gradual');
    // 60 ≥ 50 → mme-50; naloxone on record (d140) → no no-naloxone flag; no OUD signs.
    expect(s.taper.flags.map((f) => f.kind)).toEqual(['mme-50']);
  });

  it('visits: monthly during a taper; d20 + 30 = asOf+10, met (next visit asOf+10)', () => {
    expect(s.visits.followUp).toMatchObject({ rule: 'taper', dueDay: asOf + 10, overdue: false });
    expect(s.visits.nextPlanned?.day).toBe(asOf + 10);
    expect(s.visits.daysSinceLastAttended).toBe(20);
  });

  it('tests, engagement, follow-ups', () => {
    expect(s.drugTests.results.map((r) => [r.day, r.analytes[0], r.result])).toEqual([
      [d(140), 'oxycodone', 'detected'],
      [d(20), 'oxycodone', 'detected'],
    ]);
    expect(s.coverage.status).toBe('no-moud');
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    // Gradual, naloxone on record, no OUD signs: nothing for a peer to do.
    expect(s.followUps).toEqual([]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
