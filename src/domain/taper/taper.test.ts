import { describe, expect, it } from 'vitest';
import { assessTaper } from './taper';
import { D, order, testSupply, udsObs } from '../../../test/domain/builders';
import { readDrugTests } from '../drugTests/drugTests';
import type { MmeDay } from '../medications/types';

const asOf = D('2024-12-31');

/** A 365-day series ending asOf; `f(daysAgo)` gives MME/day (0 = no opioid). */
function series(f: (daysAgo: number) => number | null): MmeDay[] {
  const out: MmeDay[] = [];
  for (let ago = 364; ago >= 0; ago--) {
    const mme = f(ago);
    out.push({
      day: asOf - ago,
      mme,
      orders: mme === 0 ? [] : [`MedicationRequest/op${Math.floor(ago / 30)}`],
    });
  }
  return out;
}
const run = (
  f: (ago: number) => number | null,
  orders = [order({ start: asOf - 400, category: 'opioid-analgesic', display: 'oxycodone' })],
) => assessTaper({ series: series(f), orders, supplyOf: testSupply, asOf });

describe('taper states', () => {
  it('not on long-term opioids: 20 days a month', () => {
    const t = run((ago) => (ago % 30 < 20 ? 30 : 0));
    expect(t.state).toBe('not-long-term');
    expect(t.longTermNow).toBe(false);
  });

  it('stable at 60 MME/day: flags ≥50, offering naloxone only when none is on record', () => {
    const t = run(() => 60);
    expect(t).toMatchObject({
      state: 'stable',
      baselineMme: 60,
      currentMme: 60,
      longTermNow: true,
    });
    // No-naloxone itself is a safety flag now (safety.ts); the ≥50 words say "offer naloxone".
    expect(t.flags.map((f) => [f.kind, f.text])).toEqual([
      [
        'mme-50',
        '60 MME/day (≥50): reassess before any increase; offer naloxone (none on record).',
      ],
    ]);
    const withNaloxone = run(
      () => 60,
      [
        order({ start: asOf - 400, category: 'opioid-analgesic', display: 'oxycodone' }),
        order({ start: asOf - 100, category: 'naloxone-rescue', display: 'naloxone nasal spray' }),
      ],
    );
    expect(withNaloxone.flags.map((f) => f.text)).toEqual([
      '60 MME/day (≥50): reassess before any increase; rescue naloxone is on record.',
    ]);
  });

  it('increasing', () => {
    const t = run((ago) => (ago < 20 ? 90 : 60));
    expect(t.state).toBe('increasing');
    expect(t.flags.find((f) => f.kind === 'mme-90')?.text).toBe(
      '90 MME/day (≥90): reassess benefits and risks; avoid increasing the dose.',
    );
  });

  it('gradual taper: steps of 10 every 30 days (10% of baseline per month)', () => {
    // 100 MME/day until 106 days ago; steps of -10 at 105, 75, 45 and 15 days ago → today 60.
    // Taper start 105 days ago → 106 days = 4 started months; 40% / 4 = 10% per 30 days.
    const steps = [105, 75, 45, 15];
    const t = run((ago) => 100 - 10 * steps.filter((s) => s >= ago).length);
    expect(t.currentMme).toBe(60);
    expect(t.state).toBe('tapering-gradual');
    expect(t.pacePctPer30Days).toBe(10);
  });

  it('rapid taper: 100 → 50 in the last 3 weeks', () => {
    // Taper began 20 days ago (first month): 50% of baseline; last 30 days also 50% (> 30%).
    const t = run((ago) => (ago >= 21 ? 100 : ago >= 10 ? 75 : 50));
    expect(t.state).toBe('tapering-rapid');
    expect(t.pacePctPer30Days).toBe(50);
  });

  it('moderate taper: one step of 20% 15 days ago', () => {
    // 20% of baseline within the first (started) month → 20% per 30 days.
    const t = run((ago) => (ago >= 15 ? 100 : 80));
    expect(t.state).toBe('tapering-moderate');
  });

  it('paused: 40 days flat at 70 after falling from 100', () => {
    const t = run((ago) => (ago >= 100 ? 100 : ago >= 40 ? 85 : 70));
    expect(t.state).toBe('paused');
  });

  it('abrupt discontinuation: 80 → 0 within a week after long-term use', () => {
    const t = run((ago) => (ago >= 5 ? 80 : 0));
    expect(t.state).toBe('abrupt-discontinuation');
    expect(t.abruptDay).toBe(asOf - 4);
  });

  it('completed: gradual steps down to zero (last step 10 → 0 is not abrupt)', () => {
    const t = run((ago) =>
      ago >= 200 ? 50 : ago >= 10 ? Math.max(10, 50 - 10 * Math.floor((200 - ago) / 40)) : 0,
    );
    expect(t.state).toBe('completed');
  });

  it('unknown MME today → unknown state, never 0', () => {
    const t = run((ago) => (ago === 0 ? null : 40));
    expect(t.state).toBe('unknown');
    expect(t.currentMme).toBeNull();
  });
});

describe('taper flags', () => {
  it('OUD signs during a taper: fentanyl detected, early refill', () => {
    const orders = [
      order({
        start: asOf - 40,
        category: 'opioid-analgesic',
        display: 'oxycodone 10 MG',
        days: 30,
      }),
      order({
        start: asOf - 20,
        category: 'opioid-analgesic',
        display: 'oxycodone 10 MG',
        days: 30,
      }), // 10 days early
    ];
    const drugTests = readDrugTests([udsObs('f', asOf - 5, '59673-4', { valueString: 'POS' })]);
    const t = assessTaper({
      series: series((ago) => (ago >= 21 ? 100 : 50)),
      orders,
      supplyOf: testSupply,
      asOf,
      drugTests,
    });
    const sign = t.flags.find((f) => f.kind === 'oud-signs-during-taper');
    expect(sign?.evidence.map((e) => e.rule)).toEqual([
      'taper.oud-sign.drug-test',
      'taper.oud-sign.early-refill',
    ]);
  });
});
