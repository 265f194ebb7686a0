/**
 * taper-benzo-no-naloxone (Ruth Delgado): oxycodone 5 mg IR tablets, 30-day
 * orders back to back. 2 tablets QID (60 MME) d415 … d85 (→ d56); d55 two
 * concurrent instructions 2 tablets TID + 1 at bedtime (52.5 MME, → d26); d25
 * 2 tablets TID (45 MME, → asOf+4). Clonazepam 0.5 mg twice daily, 30-day
 * orders d385 … d25. No naloxone. Visits d415, d325, d235, d145, d55, d25;
 * next asOf+5. Tests d55 (quantity with cutoff): oxycodone and benzodiazepines detected.
 */
import { describe, expect, it } from 'vitest';
import { orderMme } from '../../../src/domain/medications';
import { scenario } from './scenario';

const { s, asOf, d, ref } = scenario('taper-benzo-no-naloxone');

describe('taper-benzo-no-naloxone', () => {
  it('MME per order: concurrent instructions are summed', () => {
    const mme = (n: number) =>
      orderMme(s.orders.find((o) => o.reference === ref('MedicationRequest', `oxycodone-mr-${n}`))!)
        .mmePerDay;
    expect(mme(12)).toBe(60); // 2 × 5 mg × 4 = 40 mg × 1.5
    expect(mme(13)).toBe(52.5); // (2 × 5 × 3 = 30) + (1 × 5 × 1 = 5) = 35 mg × 1.5
    expect(mme(14)).toBe(45); // 2 × 5 × 3 = 30 mg × 1.5
    expect(s.mme.days.at(-1)?.mme).toBe(45);
  });

  it('taper: 10–30%/month (12.5%), benzodiazepine and no-naloxone flags', () => {
    // Baseline 60 (last day d56); below 60 − 3 since d55. Since then: 15/60 = 25% over
    // ceil(56/30) = 2 months = 12.5%. Fastest 30-day fall in the last month: 60 → 52.5
    // or 52.5 → 45 = 7.5/60 = 12.5%. 10 < 12.5 ≤ 30 → moderate.
    expect(s.taper).toMatchObject({
      state: 'tapering-moderate',
      baselineMme: 60,
      baselineDay: d(56),
      currentMme: 45,
      pacePctPer30Days: 12.5,
      taperStartDay: d(55),
    });
    expect(s.taper.code?.code).toBe('tapering-moderate');
    // 45 < 50 → no MME flags (taper.flags empty); clonazepam d25 (30 days) active today with
    // the oxycodone → benzodiazepine; no naloxone while on a benzodiazepine and tapering → no-naloxone.
    expect(s.taper.flags).toEqual([]);
    expect(s.safety.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'benzodiazepine',
        'A benzodiazepine is prescribed alongside an opioid analgesic: higher overdose risk. Coordinate care between prescribers and make sure rescue naloxone is at hand.',
      ],
      [
        'no-naloxone',
        'No rescue naloxone on record; recommended for anyone taking a benzodiazepine with an opioid and anyone tapering opioids.',
      ],
    ]);
    expect(s.safety.flags[0]!.evidence[0]!.resources).toContain(
      ref('MedicationRequest', 'clonazepam-mr-13'),
    );
  });

  it('drug tests: numeric results above the cutoff read as detected', () => {
    expect(s.drugTests.results.map((r) => [r.day, r.analytes[0], r.result, r.readFrom])).toEqual([
      [d(55), 'oxycodone', 'detected', 'valueQuantity'],
      [d(55), 'benzodiazepine', 'detected', 'valueQuantity'],
    ]);
    expect(s.drugTests.signals).toEqual([]);
  });

  it('visits: monthly during the taper; d25 + 30 = asOf+5 (next visit booked that day)', () => {
    expect(s.visits.followUp).toMatchObject({ rule: 'taper', dueDay: asOf + 5, overdue: false });
    expect(s.visits.nextPlanned?.day).toBe(asOf + 5);
  });

  it('engagement and follow-ups: not in MOUD; benzodiazepine + opioid + no naloxone → urgent offer within 2 days', () => {
    expect(s.engagement.overall).toBe('Not in MOUD treatment');
    expect(s.followUps.map((f) => [f.code, f.priority, f.dueDay])).toEqual([
      ['naloxone-needed', 'urgent', asOf + 2],
    ]);
    expect(s.failures).toEqual([]);
    expect(s.unreadable).toEqual([]);
  });
});
