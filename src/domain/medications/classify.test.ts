import type { Condition, Medication, MedicationRequest } from 'fhir/r4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDay } from '../core/dates';
import { classifyOrders, parseRxnormName } from './classify';

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const mr = (id: string, extra: Partial<MedicationRequest> = {}): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p' },
  authoredOn: '2024-03-01T10:00:00-05:00',
  ...extra,
});
const code = (c: string, display?: string) => ({
  medicationCodeableConcept: { coding: [{ system: RX, code: c, ...(display ? { display } : {}) }] },
});
const text = (t: string) => ({ medicationCodeableConcept: { text: t } });
const oud: Condition = {
  resourceType: 'Condition',
  id: 'oud',
  subject: { reference: 'Patient/p' },
  clinicalStatus: { coding: [{ code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }] },
};
const classify = (
  reqs: MedicationRequest[],
  conditions: Condition[] = [],
  medications: Medication[] = [],
) => classifyOrders({ medicationRequests: reqs, medications, conditions });
const one = (
  req: MedicationRequest,
  conditions: Condition[] = [],
  medications: Medication[] = [],
) => {
  const r = classify([req], conditions, medications);
  expect(r.unreadable).toEqual([]);
  const o = r.orders[0];
  if (!o) throw new Error('no order');
  return o;
};

describe('classifyOrders: by code', () => {
  it.each([
    ['351267', 'moud-buprenorphine', 'buprenorphine-sublingual'],
    ['1010600', 'moud-buprenorphine', 'buprenorphine-sublingual'],
    ['1996184', 'moud-buprenorphine', 'buprenorphine-er-monthly'],
    ['2639021', 'moud-buprenorphine', 'buprenorphine-er-weekly'],
    ['2639036', 'moud-buprenorphine', 'buprenorphine-er-monthly'],
    ['1797650', 'moud-buprenorphine', 'buprenorphine-implant'],
    ['637213', 'moud-naltrexone', 'naltrexone-xr'],
    ['991147', 'moud-methadone', 'methadone-otp'],
    ['864984', 'moud-methadone', 'methadone-otp'],
    ['904870', 'buprenorphine-pain', undefined], // Butrans
    ['1716057', 'buprenorphine-pain', undefined], // Belbuca
    ['205533', 'buprenorphine-pain', undefined], // Buprenex
    ['197696', 'opioid-analgesic', undefined], // fentanyl patch
    ['312289', 'opioid-analgesic', undefined], // pentazocine/naloxone
    ['1725059', 'naloxone-rescue', undefined],
  ])('RxNorm %s → %s %s', (c, category, product) => {
    const o = one(mr('x', code(c)));
    expect(o.category).toBe(category);
    expect(o.moudProduct).toBe(product);
    expect(['medications.by-code', 'medications.methadone-otp-form']).toContain(
      o.evidence[0]?.rule,
    );
    expect(o.evidence[0]?.detail).toContain(`RxNorm ${c}`);
  });

  it('benzodiazepine by code', () => {
    expect(one(mr('x', code('197321'))).category).toBe('benzodiazepine');
  });

  it('buprenorphine/naloxone is never rescue naloxone (it is in the CDC naloxone set)', () => {
    const o = one(mr('x', code('351267')));
    expect(o.category).not.toBe('naloxone-rescue');
  });

  it('subtracts MOUD from the CDC opioid-analgesic set (which contains bup/nal)', () => {
    expect(one(mr('x', code('1010600'))).category).toBe('moud-buprenorphine');
  });

  it('fills ingredients and strength from the drug table', () => {
    const o = one(mr('x', code('351267')));
    expect(o.ingredients).toEqual([
      { rxcui: '1819', name: 'buprenorphine', strength: { value: 8, unit: 'mg' } },
    ]);
    expect(o.doseForm).toBe('Sublingual Tablet');
  });
});

describe('classifyOrders: methadone and naltrexone', () => {
  it('methadone tablet without OUD reason is an analgesic, even with an OUD diagnosis', () => {
    expect(one(mr('x', code('864706')), [oud]).category).toBe('opioid-analgesic');
  });
  it('methadone with an OUD reasonReference is MOUD', () => {
    const o = one(
      mr('x', { ...code('864706'), reasonReference: [{ reference: 'Condition/oud' }] }),
      [oud],
    );
    expect(o.category).toBe('moud-methadone');
    expect(o.moudProduct).toBe('methadone-oud');
    expect(o.evidence[0]?.resources).toContain('Condition/oud');
  });
  it('methadone with an OUD reasonCode (ICD-10 F11) is MOUD', () => {
    const o = one(
      mr('x', {
        ...code('864706'),
        reasonCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }] }],
      }),
    );
    expect(o.moudProduct).toBe('methadone-oud');
  });
  it('methadone OTP concentrate is MOUD without a reason', () => {
    expect(one(mr('x', code('991147'))).moudProduct).toBe('methadone-otp');
  });
  it('methadone OTP by display text', () => {
    expect(one(mr('x', text('methadone hydrochloride 10 MG/ML Oral Solution'))).moudProduct).toBe(
      'methadone-otp',
    );
  });
  it('oral naltrexone is MOUD only with an OUD reason or diagnosis', () => {
    expect(one(mr('x', code('1483744'))).category).toBe('other');
    expect(one(mr('x', code('1483744')), [oud]).moudProduct).toBe('naltrexone-oral-oud');
    const refuted = { ...oud, verificationStatus: { coding: [{ code: 'refuted' }] } };
    expect(one(mr('x', code('1483744')), [refuted]).category).toBe('other');
    const resolved = { ...oud, clinicalStatus: { coding: [{ code: 'resolved' }] } };
    expect(one(mr('x', code('1483744')), [resolved]).category).toBe('other');
  });
});

describe('classifyOrders: by reference, contained, ingredient, display text', () => {
  it('referenced Medication', () => {
    const med: Medication = {
      resourceType: 'Medication',
      id: 'm1',
      code: { coding: [{ system: RX, code: '1010604' }] },
    };
    const o = one(mr('x', { medicationReference: { reference: 'Medication/m1' } }), [], [med]);
    expect(o.moudProduct).toBe('buprenorphine-sublingual');
    expect(o.evidence[0]?.resources).toContain('Medication/m1');
  });
  it('referenced Medication and reason Condition: the first with the id wins, others are looked up too', () => {
    const med = (id: string, c: string): Medication => ({
      resourceType: 'Medication',
      id,
      code: { coding: [{ system: RX, code: c }] },
    });
    const r = classify(
      [
        mr('a', { medicationReference: { reference: 'Medication/m1' } }),
        mr('b', {
          medicationReference: { reference: 'https://ehr.example/fhir/Medication/m2/_history/3' },
          reasonReference: [{ reference: 'Condition/oud' }],
        }),
        mr('c', { medicationReference: { reference: 'Medication/m3' } }),
      ],
      [{ ...oud, id: 'other' }, oud],
      // m1 twice: the first counts; a non-Medication with id m3 is not a Medication.
      [
        med('m1', '1010604'),
        med('m1', '197696'),
        med('m2', '864706'),
        { ...med('m3', '1010604'), resourceType: 'Substance' } as unknown as Medication,
      ],
    );
    expect(r.orders.map((o) => [o.reference, o.moudProduct ?? o.category])).toEqual([
      ['MedicationRequest/a', 'buprenorphine-sublingual'],
      ['MedicationRequest/b', 'methadone-oud'],
      ['MedicationRequest/c', 'unrecognised'],
    ]);
    expect(r.orders[1]?.evidence[0]?.resources).toEqual([
      'MedicationRequest/b',
      'Medication/m2',
      'Condition/oud',
    ]);
  });
  it('a Medication list with an unreadable entry still resolves references found before it', () => {
    const hostile = Object.defineProperty({ resourceType: 'Medication' }, 'id', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const good: Medication = {
      resourceType: 'Medication',
      id: 'm1',
      code: { coding: [{ system: RX, code: '1010604' }] },
    };
    const r = classify(
      [
        mr('a', { medicationReference: { reference: 'Medication/m1' } }),
        mr('b', { medicationReference: { reference: 'Medication/m9' } }),
      ],
      [],
      [good, hostile as unknown as Medication],
    );
    expect(r.orders.map((o) => o.moudProduct)).toEqual(['buprenorphine-sublingual']);
    expect(r.unreadable).toEqual([
      { reference: 'medicationRequests[1]', reason: 'could not be read: boom' },
    ]);
  });
  it('contained Medication with ingredient strengths', () => {
    const o = one(
      mr('x', {
        contained: [
          {
            resourceType: 'Medication',
            id: 'med',
            code: { text: 'Local oxy 5' },
            form: { text: 'Oral Tablet' },
            ingredient: [
              {
                itemCodeableConcept: {
                  coding: [{ system: RX, code: '7804', display: 'oxycodone' }],
                },
                strength: {
                  numerator: { value: 5, unit: 'mg', code: 'mg' },
                  denominator: { value: 1, unit: 'tablet' },
                },
              },
            ],
          },
        ],
        medicationReference: { reference: '#med' },
      }),
    );
    expect(o.category).toBe('opioid-analgesic');
    expect(o.evidence[0]?.rule).toBe('medications.by-ingredient');
    expect(o.ingredients[0]).toEqual({
      rxcui: '7804',
      name: 'oxycodone',
      strength: { value: 5, unit: 'mg', per: 'tablet' },
    });
  });
  it('display text: bup/nal film', () => {
    const o = one(mr('x', text('buprenorphine 8 MG / naloxone 2 MG Sublingual Film')));
    expect(o.category).toBe('moud-buprenorphine');
    expect(o.moudProduct).toBe('buprenorphine-sublingual');
    expect(o.evidence[0]?.rule).toBe('medications.by-display-text');
  });
  it('display text: naloxone nasal spray is rescue; bup/nal is not', () => {
    expect(one(mr('x', text('naloxone hydrochloride 4 MG/ACTUAT Nasal Spray'))).category).toBe(
      'naloxone-rescue',
    );
    expect(
      one(mr('x', text('buprenorphine 2 MG / naloxone 0.5 MG Sublingual Tablet'))).category,
    ).toBe('moud-buprenorphine');
  });
  it('display text: oxycodone, benzodiazepine, Butrans-like patch', () => {
    expect(
      one(mr('x', text('oxycodone hydrochloride 10 MG Extended Release Oral Tablet'))).category,
    ).toBe('opioid-analgesic');
    expect(one(mr('x', text('alprazolam 0.5 MG Oral Tablet'))).category).toBe('benzodiazepine');
    expect(one(mr('x', text('7 DAY buprenorphine 0.01 MG/HR Transdermal System'))).category).toBe(
      'buprenorphine-pain',
    );
  });
  it('unrecognised medications are reported, not dropped', () => {
    const r = classify([
      mr('a', code('314076', 'lisinopril 10 MG Oral Tablet')),
      mr('b', text('mystery pill')),
    ]);
    expect(r.orders.map((o) => o.category)).toEqual(['unrecognised', 'unrecognised']);
    expect(r.orders[0]?.evidence[0]?.detail).toContain('lisinopril');
  });
  it('an unresolvable reference is unrecognised with the reason', () => {
    const o = one(mr('x', { medicationReference: { reference: 'Medication/missing' } }));
    expect(o.category).toBe('unrecognised');
    expect(o.evidence[0]?.detail).toContain('not found');
  });
});

describe('classifyOrders: counted and start', () => {
  it.each([
    ['active', 'order', true],
    ['stopped', 'original-order', true],
    ['on-hold', 'filler-order', true],
    ['completed', 'instance-order', true],
    ['draft', 'order', false],
    ['cancelled', 'order', false],
    ['entered-in-error', 'order', false],
    ['active', 'proposal', false],
    ['active', 'plan', false],
  ] as const)('%s / %s → counted %s', (status, intent, counted) => {
    expect(one(mr('x', { ...code('351267'), status, intent })).counted).toBe(counted);
  });
  it('start: boundsPeriod.start, else authoredOn, else validityPeriod.start', () => {
    const bounds = mr('x', {
      ...code('351267'),
      dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: '2024-03-05' } } } }],
    });
    expect(one(bounds).start).toBe(toDay('2024-03-05'));
    expect(one(mr('x', code('351267'))).start).toBe(toDay('2024-03-01'));
    const validity = mr('x', {
      ...code('351267'),
      authoredOn: undefined,
      dispenseRequest: { validityPeriod: { start: '2024-02-01' } },
    });
    expect(one(validity).start).toBe(toDay('2024-02-01'));
    expect(one(mr('x', { ...code('351267'), authoredOn: undefined })).start).toBeUndefined();
  });
});

describe('classifyOrders: malformed input', () => {
  it('reports requests without a medication as unreadable', () => {
    const r = classify([mr('x')]);
    expect(r.orders).toEqual([]);
    expect(r.unreadable[0]).toEqual({
      reference: 'MedicationRequest/x',
      reason: 'no medicationCodeableConcept or medicationReference',
    });
  });
  it('never throws on anything', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
        const r = classifyOrders({ medicationRequests: a, medications: b, conditions: c } as never);
        expect(Array.isArray(r.orders)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('never throws on partial R4-shaped requests, and never drops one', () => {
    const coding = fc.record(
      {
        system: fc.constantFrom(RX, 'x', undefined),
        code: fc.oneof(fc.constantFrom('351267', '197696', '991147'), fc.anything()),
        display: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const req = fc.record(
      {
        resourceType: fc.constantFrom('MedicationRequest', 'Other'),
        id: fc.oneof(fc.string(), fc.anything()),
        status: fc.constantFrom('active', 'draft', 3),
        intent: fc.constantFrom('order', 'plan', null),
        authoredOn: fc.oneof(fc.constantFrom('2024-01-01', '2024-13-45', ''), fc.anything()),
        medicationCodeableConcept: fc.oneof(
          fc.record({ coding: fc.array(coding), text: fc.anything() }, { requiredKeys: [] }),
          fc.anything(),
        ),
        medicationReference: fc.oneof(
          fc.record({ reference: fc.constantFrom('#m', 'Medication/m', 'x') }),
          fc.anything(),
        ),
        reasonReference: fc.anything(),
        reasonCode: fc.anything(),
        dosageInstruction: fc.oneof(fc.array(fc.anything()), fc.anything()),
        contained: fc.oneof(
          fc.array(
            fc.record({
              resourceType: fc.constant('Medication'),
              id: fc.constant('m'),
              ingredient: fc.anything(),
            }),
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(req, { maxLength: 5 }),
        fc.array(fc.anything(), { maxLength: 3 }),
        (reqs, meds) => {
          const r = classifyOrders({
            medicationRequests: reqs,
            medications: meds,
            conditions: [],
          } as never);
          expect(r.orders.length + r.unreadable.length).toBe(reqs.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseRxnormName', () => {
  it('reads patches, solutions and combinations', () => {
    expect(parseRxnormName('72 HR fentanyl 0.025 MG/HR Transdermal System [Duragesic]')).toEqual({
      ingredients: [
        { name: 'fentanyl', rxcui: '4337', strength: { value: 0.025, unit: 'mg', per: 'h' } },
      ],
      doseForm: 'Transdermal System',
    });
    const p = parseRxnormName('acetaminophen 325 MG / hydrocodone bitartrate 5 MG Oral Tablet');
    expect(p.ingredients.map((i) => i.name)).toEqual(['acetaminophen', 'hydrocodone']);
    expect(p.doseForm).toBe('Oral Tablet');
  });
});
