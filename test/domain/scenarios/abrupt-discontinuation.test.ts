/**
 * abrupt-discontinuation (Frank Alvarez): hydrocodone ER 80 mg 24-hour tablet
 * once daily (80 MME), 30-day orders d254 … d44 (8 orders, all completed) →
 * d254..d15, nothing after. No naloxone. Visits d254, d164, d74, d15; none
 * planned. No tests.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, isoD } = scenario('abrupt-discontinuation');

describe('abrupt-discontinuation', () => {
  it('MME: 80 mg × 1/day × 1 = 80 until d15, 0 from d14', () => {
    for (const o of s.orders) expect(orderMme(o).mmePerDay).toBe(80);
    // 8 × 30 = 240 days from d254 → d254 .. d15.
    const at = (n: number) => s.mme.days.find((x) => x.day === d(n))?.mme;
    expect([at(254), at(15), at(14), at(0)]).toEqual([80, 80, 0, 0]);
  });

  it('taper: abrupt discontinuation on d14 (80 → 0 in one day after long-term use)', () => {
    // Long-term at d15: 30 opioid days in each of the three 30-day months before it.
    // Today not long-term any more (0 of the last 14 days), but it was in the lookback.
    expect(s.taper).toMatchObject({
      state: 'abrupt-discontinuation',
      longTermNow: false,
      longTermInLookback: true,
      baselineMme: 80,
      baselineDay: d(15),
      currentMme: 0,
      abruptDay: d(14),
    });
    expect(s.taper.code?.code).toBe('abrupt-discontinuation');
    expect(s.taper.text).toContain(isoD(14));
    // 0 MME → no MME flags. Safety: no naloxone order after an abrupt stop → no-naloxone,
    // and the abrupt discontinuation itself is a safety flag (§6).
    expect(s.taper.flags).toEqual([]);
    expect(s.safety.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for anyone whose opioids stopped abruptly (tolerance is lost within about a week).',
      ],
      ['abrupt-discontinuation', s.taper.text],
    ]);
  });

  it('visits: last d15; monthly follow-up during/after the taper due d15 − 30 = asOf+15; none booked', () => {
    expect(s.visits.daysSinceLastAttended).toBe(15);
    expect(s.visits.nextPlanned).toBeUndefined();
    expect(s.visits.followUp).toMatchObject({ rule: 'taper', dueDay: asOf + 15, overdue: false });
  });

  it('engagement and follow-ups: one asap contact that already includes naloxone', () => {
    expect(s.coverage.status).toBe('no-moud');
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay, f.triggerDay])).toEqual([
      ['abrupt-discontinuation', 'asap', asOf + 1, d(14)],
    ]);
    expect(s.followUps[0]!.action).toContain('naloxone');
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
