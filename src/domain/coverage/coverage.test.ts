import { describe, expect, it } from 'vitest';
import { computeCoverage } from './coverage';
import { fromDay } from '../core/dates';
import { D, dispense, order, testSupply } from '../../../test/domain/builders';

const jan1 = D('2024-01-01');

describe('HEDIS stacking', () => {
  it('7 + 14 days dispensed on Jan 1 → covered through Jan 21', () => {
    const o1 = order({ id: 'a', start: jan1, days: 7 });
    const o2 = order({ id: 'b', start: jan1, days: 14 });
    const c = computeCoverage([o1, o2], [], testSupply, D('2024-01-10'));
    expect(c.timeline).toHaveLength(1);
    expect(fromDay(c.timeline[0]!.end)).toBe('2024-01-21');
    expect(fromDay(c.runOutDay!)).toBe('2024-01-21');
  });

  it('7 days Jan 1 and 7 days Jan 5 → covered through Jan 14', () => {
    const c = computeCoverage(
      [order({ start: jan1, days: 7 }), order({ start: D('2024-01-05'), days: 7 })],
      [],
      testSupply,
      D('2024-01-10'),
    );
    expect(fromDay(c.timeline[0]!.end)).toBe('2024-01-14');
  });

  it('the same via MedicationDispense (dispense beats the request, anchored at whenHandedOver)', () => {
    const o1 = order({ id: 'a', start: D('2023-12-28'), days: 30 });
    const o2 = order({ id: 'b', start: D('2023-12-28'), days: 30 });
    const c = computeCoverage(
      [o1, o2],
      [dispense('d1', 'a', jan1, 7), dispense('d2', 'b', jan1, 14)],
      testSupply,
      D('2024-01-10'),
    );
    expect(fromDay(c.timeline[0]!.start)).toBe('2024-01-01');
    expect(fromDay(c.timeline[0]!.end)).toBe('2024-01-21');
    expect(c.timeline[0]!.sources).toContain('MedicationDispense/d1');
  });

  it('oral buprenorphine Jan 1 ×7 and injection Jan 5 ×31 are counted separately, then unioned', () => {
    const c = computeCoverage(
      [
        order({ start: jan1, days: 7 }),
        order({
          start: D('2024-01-05'),
          days: 31,
          product: 'buprenorphine-er-monthly',
          display: 'Sublocade',
        }),
      ],
      [],
      testSupply,
      D('2024-01-10'),
    );
    expect(c.timeline.map((t) => [fromDay(t.start), fromDay(t.end), t.form])).toEqual([
      ['2024-01-01', '2024-01-07', 'daily-dose'],
      ['2024-01-05', '2024-02-04', 'injection'], // not stacked after the oral supply
    ]);
    expect(fromDay(c.runOutDay!)).toBe('2024-02-04');
    // Jan 1..Jan 10 all covered: union, no double counting.
    expect(c.daysInTreatment).toBe(10);
  });

  it('ignores cancelled dispenses and falls back to the request', () => {
    const o = order({ id: 'a', start: jan1, days: 7 });
    const c = computeCoverage(
      [o],
      [dispense('d1', 'a', jan1, 28, 'cancelled')],
      testSupply,
      D('2024-01-03'),
    );
    expect(fromDay(c.timeline[0]!.end)).toBe('2024-01-07');
  });
});

describe('gaps, episodes and status', () => {
  it('a gap of 7 days does not break an episode; 8 days does', () => {
    // Jan 1–7 covered, gap Jan 8–14 (7 days), Jan 15–21 covered.
    const c7 = computeCoverage(
      [order({ start: jan1, days: 7 }), order({ start: D('2024-01-15'), days: 7 })],
      [],
      testSupply,
      D('2024-01-20'),
    );
    expect(c7.gaps).toHaveLength(1);
    expect(c7.gaps[0]!.days).toBe(7);
    expect(c7.gaps[0]!.breaksEpisode).toBe(false);
    expect(c7.segments).toHaveLength(1);
    // Jan 1–7 covered, gap Jan 8–15 (8 days), Jan 16 restart.
    const c8 = computeCoverage(
      [order({ start: jan1, days: 7 }), order({ start: D('2024-01-16'), days: 7 })],
      [],
      testSupply,
      D('2024-01-20'),
    );
    expect(c8.gaps[0]!.days).toBe(8);
    expect(c8.gaps[0]!.breaksEpisode).toBe(true);
    expect(c8.segments.map((s) => s.kind)).toEqual(['first-start', 'resumed-after-gap']);
    // Resumed after 8 days: the HEDIS episode does not restart (needs 31 free days).
    expect(fromDay(c8.hedisEpisodeStart!)).toBe('2024-01-01');
    expect(fromDay(c8.currentSegment!.start)).toBe('2024-01-16');
    expect(c8.daysInTreatment).toBe(5); // Jan 16..20
  });

  it('31 MOUD-free days open a new HEDIS episode', () => {
    // Jan 1–7 covered, Jan 8–Feb 7 free (31 days), restart Feb 8.
    const c = computeCoverage(
      [order({ start: jan1, days: 7 }), order({ start: D('2024-02-08'), days: 7 })],
      [],
      testSupply,
      D('2024-02-09'),
    );
    expect(c.gaps[0]!.days).toBe(31);
    expect(c.segments[1]!.kind).toBe('new-episode');
    expect(fromDay(c.hedisEpisodeStart!)).toBe('2024-02-08');
    expect(c.literatureView.discontinuations).toHaveLength(1);
  });

  it('lapsed supply: ran out 10 days ago', () => {
    // 30 days from day S covers S..S+29 (last covered day = run-out day); asOf = S+39 → 10 days.
    const s = D('2024-05-01');
    const c = computeCoverage([order({ start: s, days: 30 })], [], testSupply, s + 39);
    expect(c.status).toBe('lapsed');
    expect(c.daysSinceRunOut).toBe(10);
    expect(c.gaps.at(-1)).toMatchObject({ open: true, days: 10, breaksEpisode: true });
    expect(c.daysInTreatment).toBe(0);
    expect(c.milestones[0]!.status).toBe('reached');
    expect(c.milestones[1]!.status).toBe('not-reached');
  });

  it('PDC over 90 and 180 days, continuous treatment and milestones', () => {
    // 200 days of weekly fills from day S; asOf S+199 → every day covered.
    const s = D('2024-01-01');
    const orders = Array.from({ length: 29 }, (_, i) => order({ start: s + 7 * i, days: 7 }));
    const c = computeCoverage(orders, [], testSupply, s + 199);
    expect(c.pdc.map((p) => p.value)).toEqual([1, 1]);
    expect(c.continuousTreatment).toBe(true);
    expect(c.milestones.map((m) => m.status)).toEqual(['reached', 'reached', 'reached']);
    expect(c.status).toBe('covered');
  });

  it('PDC counts covered days only inside the window, from the first supply on', () => {
    // 45 days covered ending on asOf, nothing before: the denominator starts at the
    // first supply (asOf − 44), so 45/45 in both windows, not 45/90 and 45/180.
    const asOf = D('2024-06-30');
    const c = computeCoverage([order({ start: asOf - 44, days: 45 })], [], testSupply, asOf);
    expect(c.pdc[0]).toMatchObject({ fromDay: asOf - 44, days: 45, coveredDays: 45, value: 1 });
    expect(c.pdc[1]).toMatchObject({ fromDay: asOf - 44, days: 45, coveredDays: 45, value: 1 });
    // Supply first started 120 days ago, 30 days covered then, 45 now: 90-day window
    // full (45/90); 180-day window from the first supply: (30 + 45) / 120.
    const c2 = computeCoverage(
      [order({ start: asOf - 119, days: 30 }), order({ start: asOf - 44, days: 45 })],
      [],
      testSupply,
      asOf,
    );
    expect(c2.pdc[0]).toMatchObject({ fromDay: asOf - 89, days: 90, coveredDays: 45, value: 0.5 });
    expect(c2.pdc[1]).toMatchObject({ fromDay: asOf - 119, days: 120, coveredDays: 75 });
    expect(c2.pdc[1]!.value).toBeCloseTo(0.625, 10);
    // Only future supply: nothing counted yet.
    const c3 = computeCoverage([order({ start: asOf + 3, days: 7 })], [], testSupply, asOf);
    expect(c3.pdc[0]).toMatchObject({ days: 0, coveredDays: 0, value: 0 });
  });

  it('no MOUD → no-moud; unreadable orders are reported', () => {
    const c = computeCoverage(
      [order({ start: undefined, days: 7 }), order({ start: jan1 })],
      [],
      testSupply,
      jan1,
    );
    expect(c.status).toBe('no-moud');
    expect(c.unreadable).toHaveLength(2);
  });

  it('supply only in the future → not-started', () => {
    const c = computeCoverage([order({ start: D('2024-02-01'), days: 7 })], [], testSupply, jan1);
    expect(c.status).toBe('not-started');
  });
});
