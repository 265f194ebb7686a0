/**
 * taper-rapid (George Whitfield): oxycodone ER 1 tablet twice daily, back to
 * back. 40 mg (120 MME) 30-day orders d420 … d60 (→ d31); d30 30 mg (90 MME)
 * 14 days (d30..d17); d16 20 mg (60 MME) 30 days (d16..asOf+13). Naloxone d30.
 * Visits d420, d330, d240, d150, d60, d30, d16; next asOf+14. No tests.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, ref } = scenario('taper-rapid');

describe('taper-rapid', () => {
  it('MME per order and series: 120 → 90 on d30 → 60 on d16', () => {
    const mme = (n: number) =>
      orderMme(s.orders.find((o) => o.reference === ref('MedicationRequest', `oxycodone-mr-${n}`))!)
        .mmePerDay;
    expect(mme(13)).toBe(120); // 40 mg × 2 = 80 mg × 1.5
    expect(mme(14)).toBe(90); // 30 × 2 = 60 × 1.5
    expect(mme(15)).toBe(60); // 20 × 2 = 40 × 1.5
    const at = (n: number) => s.mme.days.find((x) => x.day === d(n))?.mme;
    expect([at(31), at(30), at(17), at(16), at(0)]).toEqual([120, 90, 90, 60, 60]);
  });

  it('taper: rapid — 120 → 60 between d31 and d16 is 50% of baseline within a month', () => {
    // Fastest 30-day fall ending in the last 30 days: day d16 vs d46 = 120 − 60 = 60 = 50% of 120.
    // (Since the start d30: 50% over ceil(31/30) = 2 months = 25%; the faster recent pace wins.)
    // Not abrupt: within any 7 days the largest fall is 90 → 60 (33% ≤ 50%).
    expect(s.taper).toMatchObject({
      state: 'tapering-rapid',
      baselineMme: 120,
      baselineDay: d(31),
      currentMme: 60,
      pacePctPer30Days: 50,
      taperStartDay: d(30),
      abruptDay: undefined,
    });
    expect(s.taper.code?.code).toBe('tapering-rapid');
    // 60 ≥ 50; naloxone on record d30 → no no-naloxone flag; no OUD signs (no tests, no ED, no early refills).
    expect(s.taper.flags.map((f) => f.kind)).toEqual(['mme-50']);
  });

  it('visits: monthly during the taper; d16 + 30 = asOf+14, met', () => {
    expect(s.visits.followUp).toMatchObject({ rule: 'taper', dueDay: asOf + 14, overdue: false });
    expect(s.visits.nextPlanned?.day).toBe(asOf + 14);
  });

  it('engagement and follow-ups: not in MOUD; rapid taper → urgent prescriber review in 3 days', () => {
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay, f.triggerDay])).toEqual([
      ['rapid-taper', 'urgent', asOf + 3, d(30)],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
