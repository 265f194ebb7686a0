import type { Dosage, MedicationRequest } from 'fhir/r4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRUGS } from '../../../fhir-profiles/generated/codes';
import { toDay } from '../core/dates';
import { daysSupply, dosePlan, PRN_FLAG } from './dosage';
import { classifyOrders } from './classify';
import { mmeSeries, mmeSeriesReport, orderMme } from './mme';
import { MME_FACTORS, MME_FACTOR_SET } from './mmeFactors';
import type { ClassifiedOrder } from './types';

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const D = (iso: string) => toDay(iso) as number;

/** A dosage: `dose` units `times` per `period` `unit`. */
const dose = (
  value: number,
  unit: string,
  times: number,
  extra: Partial<Dosage> = {},
  period = 1,
  periodUnit: 'd' | 'h' | 'wk' = 'd',
): Dosage => ({
  timing: { repeat: { frequency: times, period, periodUnit } },
  doseAndRate: [{ doseQuantity: { value, unit, code: unit } }],
  ...extra,
});

function order(
  med: Partial<MedicationRequest>,
  rest: Partial<MedicationRequest> = {},
): ClassifiedOrder {
  const r = classifyOrders({
    medicationRequests: [
      {
        resourceType: 'MedicationRequest',
        id: 'o1',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p' },
        authoredOn: '2024-01-01',
        ...med,
        ...rest,
      },
    ],
    medications: [],
    conditions: [],
  });
  const o = r.orders[0];
  if (!o) throw new Error(JSON.stringify(r.unreadable));
  return o;
}
const rx = (code: string): Partial<MedicationRequest> => ({
  medicationCodeableConcept: { coding: [{ system: RX, code }] },
});
const txt = (text: string): Partial<MedicationRequest> => ({ medicationCodeableConcept: { text } });

describe('CDC worked examples', () => {
  it('hydrocodone 5 mg 4×/day → 20 MME/day', () => {
    const m = orderMme(
      order(txt('acetaminophen 325 MG / hydrocodone bitartrate 5 MG Oral Tablet'), {
        dosageInstruction: [dose(5, 'mg', 4)],
      }),
    );
    expect(m.mmePerDay).toBe(20);
    expect(m.factorSet).toBe('cdc-2022');
    expect(m.arithmetic).toBe('hydrocodone 5 mg × 4/day = 20 mg/day × 1 = 20 MME/day');
  });
  it('oxycodone ER 10 mg twice daily → 30 MME/day', () => {
    const m = orderMme(
      order(txt('oxycodone hydrochloride 10 MG Extended Release Oral Tablet'), {
        dosageInstruction: [dose(10, 'mg', 2)],
      }),
    );
    expect(m.mmePerDay).toBe(30);
    expect(m.arithmetic).toBe('oxycodone 10 mg × 2/day = 20 mg/day × 1.5 = 30 MME/day');
    expect(m.evidence.map((e) => e.rule)).toContain('mme.cdc-2022');
    expect(m.evidence.every((e) => e.resources.includes('MedicationRequest/o1'))).toBe(true);
  });
  it('fentanyl 25 mcg/hr patch → 60 MME/day, whatever the change interval', () => {
    const o = order(rx('245134'), { dosageInstruction: [dose(1, '{patch}', 1, {}, 72, 'h')] });
    expect(DRUGS.get('245134')?.ingredients[0]?.strengthValue).toBe(0.025);
    const m = orderMme(o);
    expect(m.mmePerDay).toBe(60);
    expect(m.arithmetic).toContain('25 mcg/h × 2.4 = 60 MME/day');
  });
});

describe('daily dose', () => {
  it('tablets × strength from the drug table', () => {
    // 1049621 = oxycodone hydrochloride 5 MG Oral Tablet
    expect(DRUGS.get('1049621')?.ingredients[0]?.strengthValue).toBe(5);
    const m = orderMme(order(rx('1049621'), { dosageInstruction: [dose(2, '{tablet}', 3)] }));
    expect(m.mmePerDay).toBe(45); // 2 × 5 mg × 3/day = 30 mg × 1.5
  });
  it('mL × mg/mL', () => {
    const m = orderMme(
      order(txt('morphine sulfate 2 MG/ML Oral Solution'), {
        dosageInstruction: [dose(5, 'mL', 4)],
      }),
    );
    expect(m.mmePerDay).toBe(40);
  });
  it('PRN counts at frequencyMax and is flagged', () => {
    const d: Dosage = {
      asNeededBoolean: true,
      timing: { repeat: { frequency: 1, frequencyMax: 4, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }],
    };
    const m = orderMme(
      order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), { dosageInstruction: [d] }),
    );
    expect(m.mmePerDay).toBe(30);
    expect(m.flags).toContain(PRN_FLAG);
  });
  it('every 4–6 hours: frequency over period in hours', () => {
    const m = orderMme(
      order(txt('hydromorphone hydrochloride 2 MG Oral Tablet'), {
        dosageInstruction: [dose(2, 'mg', 1, {}, 6, 'h')],
      }),
    );
    expect(m.mmePerDay).toBe(40); // 2 mg × 4/day × 5
  });
  it('timeOfDay count when there is no frequency', () => {
    const d: Dosage = {
      timing: { repeat: { timeOfDay: ['08:00:00', '20:00:00'] } },
      doseAndRate: [{ doseQuantity: { value: 10, unit: 'mg' } }],
    };
    expect(
      orderMme(order(txt('morphine sulfate 10 MG Oral Tablet'), { dosageInstruction: [d] }))
        .mmePerDay,
    ).toBe(20);
  });
  it('doseRange uses the high end; the "ordered" doseAndRate wins over "calculated"', () => {
    const d: Dosage = {
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      doseAndRate: [
        { type: { coding: [{ code: 'calculated' }] }, doseQuantity: { value: 100, unit: 'mg' } },
        {
          type: { coding: [{ code: 'ordered' }] },
          doseRange: { low: { value: 1, unit: '{tablet}' }, high: { value: 2, unit: '{tablet}' } },
        },
      ],
    };
    expect(
      orderMme(order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), { dosageInstruction: [d] }))
        .mmePerDay,
    ).toBe(30);
  });
  it('concurrent instructions are summed', () => {
    const m = orderMme(
      order(txt('morphine sulfate 15 MG Oral Tablet'), {
        dosageInstruction: [dose(1, '{tablet}', 2), dose(2, '{tablet}', 1)],
      }),
    );
    expect(m.mmePerDay).toBe(60);
  });
  it('sequential instructions are steps over the supply period', () => {
    const o = order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
      dosageInstruction: [
        dose(2, '{tablet}', 2, {
          sequence: 1,
          timing: {
            repeat: {
              frequency: 2,
              period: 1,
              periodUnit: 'd',
              boundsDuration: { value: 7, unit: 'd', code: 'd' },
            },
          },
        }),
        dose(1, '{tablet}', 2, { sequence: 2 }),
      ],
      dispenseRequest: { quantity: { value: 42, unit: '{tablet}' } },
    });
    const m = orderMme(o);
    expect(m.steps.map((s) => [s.offsetDays, s.mme])).toEqual([
      [0, 30],
      [7, 15],
    ]);
    // 28 tablets in week 1, then 14 left at 2/day = 7 more days.
    expect(daysSupply(o)).toEqual({
      days: 14,
      rule: expect.stringContaining('supply.quantity-over-daily-use') as string,
    });
    const s = mmeSeries([o], D('2024-01-01'), D('2024-01-16'));
    expect(s.map((d) => d.mme)).toEqual([
      30, 30, 30, 30, 30, 30, 30, 15, 15, 15, 15, 15, 15, 15, 0, 0,
    ]);
  });
  it('missing timing: quantity ÷ days supply fallback (CDC research formula)', () => {
    const o = order(txt('oxycodone hydrochloride 10 MG Oral Tablet'), {
      dosageInstruction: [{ text: 'take as directed' }],
      dispenseRequest: {
        quantity: { value: 60, unit: '{tablet}' },
        expectedSupplyDuration: { value: 30, unit: 'days', code: 'd' },
      },
    });
    const m = orderMme(o);
    expect(m.mmePerDay).toBe(30); // 10 mg × 60 ÷ 30 d × 1.5
    expect(m.flags.join()).toContain('quantity ÷ days supply');
  });
  it('unknown → null with the reason, never 0', () => {
    const noDose = orderMme(
      order(txt('oxycodone hydrochloride 10 MG Oral Tablet'), {
        dosageInstruction: [{ text: 'as directed' }],
      }),
    );
    expect(noDose.mmePerDay).toBeNull();
    expect(noDose.unknownReason).toMatch(/no timing|no dose/);
    const noFactor = orderMme(
      order(txt('nalbuphine hydrochloride 10 MG/ML Injectable Solution'), {
        dosageInstruction: [dose(1, 'mL', 4)],
      }),
    );
    expect(noFactor.mmePerDay).toBeNull();
    const noStrength = orderMme(order(rx('197696'), { dosageInstruction: [dose(1, 'mL', 1)] }));
    expect(noStrength.mmePerDay).toBeNull();
    expect(noStrength.unknownReason).toContain('does not match the product strength');
  });
  it('buprenorphine and MOUD methadone are not counted in MME', () => {
    expect(
      orderMme(order(rx('904870'), { dosageInstruction: [dose(1, '{patch}', 1, {}, 1, 'wk')] }))
        .unknownReason,
    ).toContain('buprenorphine');
    expect(
      orderMme(order(rx('991147'), { dosageInstruction: [dose(8, 'mL', 1)] })).mmePerDay,
    ).toBeNull();
    expect(
      orderMme(order(rx('864706'), { dosageInstruction: [dose(10, 'mg', 2)] })).mmePerDay,
    ).toBe(94);
  });
});

describe('daysSupply', () => {
  const base = order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
    dosageInstruction: [dose(1, '{tablet}', 4)],
  });
  const withReq = (o: ClassifiedOrder, r: Partial<MedicationRequest>): ClassifiedOrder => ({
    ...o,
    request: { ...o.request, ...r },
  });
  it('expectedSupplyDuration × (1 + repeats)', () => {
    expect(
      daysSupply(
        withReq(base, {
          dispenseRequest: {
            expectedSupplyDuration: { value: 7, unit: 'd' },
            numberOfRepeatsAllowed: 2,
          },
        }),
      )?.days,
    ).toBe(21);
  });
  it('quantity ÷ daily use × (1 + repeats)', () => {
    expect(
      daysSupply(
        withReq(base, { dispenseRequest: { quantity: { value: 60 }, numberOfRepeatsAllowed: 1 } }),
      )?.days,
    ).toBe(30);
  });
  it('MOUD defaults', () => {
    expect(daysSupply(order(rx('351267')))?.days).toBe(7);
    expect(daysSupply(order(rx('1996184')))?.days).toBe(31);
    expect(daysSupply(order(rx('2639021')))?.days).toBe(7);
    expect(daysSupply(order(rx('1797650')))?.days).toBe(180);
    expect(daysSupply(order(rx('637213')))?.days).toBe(31);
    expect(daysSupply(base)).toBeUndefined();
  });
  it('bup/nal film: quantity in films, dose in mg', () => {
    const o = order(rx('1010604'), {
      dosageInstruction: [dose(16, 'mg', 1)],
      dispenseRequest: { quantity: { value: 28, unit: 'film' } },
    });
    expect(daysSupply(o)?.days).toBe(14);
  });
});

describe('mmeSeries', () => {
  const oxy = (
    id: string,
    start: string,
    days: number,
    mg: number,
    status: MedicationRequest['status'] = 'active',
  ) =>
    order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
      id,
      status,
      authoredOn: start,
      dosageInstruction: [dose(mg, 'mg', 2)],
      dispenseRequest: { expectedSupplyDuration: { value: days, unit: 'd' } },
    });
  it('sums concurrently active counted orders; uncounted and non-opioid orders are ignored', () => {
    const a = oxy('a', '2024-01-01', 3, 10);
    const b = oxy('b', '2024-01-02', 3, 5);
    const draft = oxy('c', '2024-01-01', 10, 50, 'draft');
    const bup = order(rx('351267'), { dosageInstruction: [dose(16, 'mg', 1)] });
    const s = mmeSeries([a, b, draft, bup], D('2024-01-01'), D('2024-01-05'));
    expect(s.map((d) => d.mme)).toEqual([30, 45, 45, 15, 0]);
    expect(s[1]?.orders).toEqual(['MedicationRequest/a', 'MedicationRequest/b']);
  });
  it('an active order with unknown MME makes the day unknown, with the reason', () => {
    const u = order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
      dispenseRequest: { expectedSupplyDuration: { value: 2, unit: 'd' } },
    });
    const s = mmeSeries([u], D('2024-01-01'), D('2024-01-03'));
    expect(s.map((d) => d.mme)).toEqual([null, null, 0]);
    expect(s[0]?.unknownReasons?.[0]).toContain('MedicationRequest/o1');
  });
  it('unknown days supply: unknown on the start day only, and listed as excluded', () => {
    const u = order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
      dosageInstruction: [dose(5, 'mg', 2)],
    });
    const r = mmeSeriesReport([u], D('2024-01-01'), D('2024-01-02'));
    expect(r.days.map((d) => d.mme)).toEqual([null, 0]);
    expect(r.excluded[0]?.reason).toContain('days supply unknown');
    expect(r.factorSet).toBe(MME_FACTOR_SET);
  });
  it('is empty for a reversed window', () => {
    expect(mmeSeries([], 10, 9)).toEqual([]);
  });
  it('windowOnly prices only the orders active in the window; days and excluded unchanged', () => {
    const before = oxy('before', '2023-06-01', 30, 10); // ends 2023-06-30
    const edge = oxy('edge', '2023-12-20', 14, 5); // 2023-12-20..2024-01-02
    const inside = oxy('inside', '2024-01-03', 3, 10);
    const after = oxy('after', '2024-02-01', 3, 10);
    const noSupply = order(txt('oxycodone hydrochloride 5 MG Oral Tablet'), {
      id: 'nosupply',
      authoredOn: '2023-01-01',
      dosageInstruction: [dose(5, 'mg', 2)],
    });
    const all = [before, edge, inside, after, noSupply];
    const full = mmeSeriesReport(all, D('2024-01-01'), D('2024-01-10'));
    const win = mmeSeriesReport(all, D('2024-01-01'), D('2024-01-10'), { windowOnly: true });
    expect(win.days).toEqual(full.days);
    expect(win.excluded).toEqual(full.excluded);
    expect(full.orders.map((o) => o.reference)).toEqual(all.map((o) => o.reference));
    expect(win.orders.map((o) => o.reference)).toEqual([
      'MedicationRequest/edge',
      'MedicationRequest/inside',
    ]);
    expect(win.days.map((d) => d.mme)).toEqual([15, 15, 30, 30, 30, 0, 0, 0, 0, 0]);
  });
});

describe('properties', () => {
  const arbOrder = fc
    .record(
      {
        category: fc.constantFrom('opioid-analgesic', 'moud-buprenorphine', 'unrecognised'),
        counted: fc.boolean(),
        start: fc.option(fc.integer({ min: 19_700, max: 19_800 }), { nil: undefined }),
        doseForm: fc.option(fc.constantFrom('Oral Tablet', 'Transdermal System', 'Buccal Film'), {
          nil: undefined,
        }),
        ingredients: fc.oneof(
          fc.constant([{ rxcui: '7804', name: 'oxycodone', strength: { value: 5, unit: 'mg' } }]),
          fc.constant([
            { rxcui: '4337', name: 'fentanyl', strength: { value: 0.025, unit: 'mg', per: 'h' } },
          ]),
          fc.anything(),
        ),
        request: fc.record(
          {
            resourceType: fc.constant('MedicationRequest'),
            dosageInstruction: fc.oneof(
              fc.array(
                fc.record(
                  {
                    sequence: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.anything()),
                    asNeededBoolean: fc.anything(),
                    timing: fc.oneof(
                      fc.record(
                        {
                          repeat: fc.record(
                            {
                              frequency: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.double()),
                              frequencyMax: fc.anything(),
                              period: fc.oneof(fc.double(), fc.integer()),
                              periodUnit: fc.constantFrom('h', 'd', 'wk', 'mo', 'a', 'x'),
                              boundsDuration: fc.anything(),
                              timeOfDay: fc.anything(),
                            },
                            { requiredKeys: [] },
                          ),
                        },
                        { requiredKeys: [] },
                      ),
                      fc.anything(),
                    ),
                    doseAndRate: fc.oneof(
                      fc.array(
                        fc.record(
                          {
                            type: fc.anything(),
                            doseQuantity: fc.record(
                              {
                                value: fc.oneof(fc.double(), fc.integer()),
                                unit: fc.constantFrom('mg', 'mcg', '{tablet}', 'mL', '', 'patch'),
                              },
                              { requiredKeys: [] },
                            ),
                            doseRange: fc.anything(),
                          },
                          { requiredKeys: [] },
                        ),
                      ),
                      fc.anything(),
                    ),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 3 },
              ),
              fc.anything(),
            ),
            dispenseRequest: fc.oneof(
              fc.record(
                {
                  quantity: fc.record({ value: fc.oneof(fc.double(), fc.integer()) }),
                  expectedSupplyDuration: fc.record({
                    value: fc.oneof(fc.double(), fc.integer()),
                    unit: fc.constantFrom('d', 'wk', 'x'),
                  }),
                  numberOfRepeatsAllowed: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.anything()),
                },
                { requiredKeys: [] },
              ),
              fc.anything(),
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    )
    .map(
      (o) =>
        ({
          reference: 'MedicationRequest/p',
          display: 'x',
          rxnorm: [],
          evidence: [],
          ...o,
        }) as unknown as ClassifiedOrder,
    );

  it('orderMme never throws and is ≥ 0 or null', () => {
    fc.assert(
      fc.property(fc.oneof(arbOrder, fc.anything() as fc.Arbitrary<ClassifiedOrder>), (o) => {
        const m = orderMme(o);
        expect(m.mmePerDay === null || (Number.isFinite(m.mmePerDay) && m.mmePerDay >= 0)).toBe(
          true,
        );
        if (m.mmePerDay === null) expect(typeof m.unknownReason).toBe('string');
        dosePlan(o);
        const s = daysSupply(o);
        if (s) expect(s.days).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
  it('mmeSeries: length equals the window, values ≥ 0 or null', () => {
    fc.assert(
      fc.property(
        fc.array(arbOrder, { maxLength: 4 }),
        fc.integer({ min: 19_690, max: 19_810 }),
        fc.integer({ min: -5, max: 60 }),
        (orders, from, len) => {
          const s = mmeSeries(orders, from, from + len);
          expect(s.length).toBe(Math.max(0, len + 1));
          for (const [i, d] of s.entries()) {
            expect(d.day).toBe(from + i);
            expect(d.mme === null || (Number.isFinite(d.mme) && d.mme >= 0)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('factor table', () => {
  it('every factor rxcui names the same ingredient in the CDC drug table', () => {
    const names = new Map<string, string>();
    for (const d of DRUGS.values()) for (const i of d.ingredients) names.set(i.rxcui, i.name);
    for (const [rxcui, rows] of MME_FACTORS)
      for (const f of rows) {
        expect(f.rxcui).toBe(rxcui);
        expect(names.get(f.rxcui), f.ingredient).toBe(f.ingredient);
      }
    expect(MME_FACTORS.size).toBe(16);
  });
});
