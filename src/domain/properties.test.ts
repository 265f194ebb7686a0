/**
 * Property tests: no input shaped like (partial, messy) R4 resources makes the
 * engine throw; PDC stays in [0, 1]; coverage never exceeds its window.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeCoverage, coveredDaysIn, union } from './coverage';
import { fromDay } from './dates';
import { deriveAll } from './derive';
import { readDrugTests } from './drugTests';
import { assessTaper } from './taper';
import { summariseVisits } from './visits';
import type { PatientRecord } from './types';
import { D, order, testSupply } from './test-builders';

const asOf = D('2024-06-30');
const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
);
const date = fc.oneof(
  fc.integer({ min: asOf - 800, max: asOf + 60 }).map((d) => fromDay(d)),
  fc.integer({ min: asOf - 800, max: asOf + 60 }).map((d) => `${fromDay(d)}T01:30:00-05:00`),
  fc.constantFrom('2024', '2024-03', '2024-02-30', 'garbage', ''),
  junk,
);
const coding = fc.record(
  {
    system: fc.constantFrom(
      'http://www.nlm.nih.gov/research/umls/rxnorm',
      'http://loinc.org',
      'http://snomed.info/sct',
      'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      'x',
    ),
    code: fc.constantFrom(
      '1010600',
      '351266',
      '1996184',
      '7804',
      '637213',
      '58359-1',
      '59673-4',
      '19321-9',
      '260373001',
      'LA6577-6',
      'POS',
      'EMER',
      'IMP',
      'AMB',
      'H0038',
      'zzz',
    ),
    display: fc.oneof(
      fc.constantFrom(
        'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
        'oxycodone 10 MG Oral Tablet',
        'alprazolam 1 MG',
      ),
      fc.string(),
    ),
  },
  { requiredKeys: [] },
);
const cc = fc.oneof(
  fc.record(
    { coding: fc.array(coding, { maxLength: 2 }), text: fc.string() },
    { requiredKeys: [] },
  ),
  junk,
);
const quantity = fc.oneof(
  fc.record(
    {
      value: fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -5, max: 400 })),
      unit: fc.constantFrom('d', 'days', 'ng/mL', 'mg', 'wk'),
    },
    { requiredKeys: [] },
  ),
  junk,
);
const status = fc.oneof(
  fc.constantFrom(
    'active',
    'completed',
    'stopped',
    'cancelled',
    'entered-in-error',
    'finished',
    'planned',
    'arrived',
    'final',
    'failed',
    'requested',
    'in-progress',
  ),
  junk,
);

const medicationRequest = fc.record(
  {
    resourceType: fc.constant('MedicationRequest'),
    id: fc.oneof(fc.string({ maxLength: 4 }), junk),
    status,
    intent: fc.constantFrom('order', 'plan', 'proposal', 'original-order'),
    medicationCodeableConcept: cc,
    authoredOn: date,
    dosageInstruction: fc.oneof(
      fc.array(
        fc.record(
          {
            timing: fc.record(
              {
                repeat: fc.record(
                  {
                    frequency: fc.integer({ min: -1, max: 6 }),
                    period: fc.integer({ min: 0, max: 2 }),
                    periodUnit: fc.constantFrom('d', 'h', 'wk'),
                    boundsPeriod: fc.record({ start: date }, { requiredKeys: [] }),
                  },
                  { requiredKeys: [] },
                ),
              },
              { requiredKeys: [] },
            ),
            doseAndRate: fc.array(fc.record({ doseQuantity: quantity }, { requiredKeys: [] }), {
              maxLength: 2,
            }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      junk,
    ),
    dispenseRequest: fc.oneof(
      fc.record(
        {
          expectedSupplyDuration: quantity,
          numberOfRepeatsAllowed: fc.integer({ min: -1, max: 5 }),
          quantity,
        },
        { requiredKeys: [] },
      ),
      junk,
    ),
  },
  { requiredKeys: ['resourceType'] },
);
const dispense = fc.record(
  {
    resourceType: fc.constant('MedicationDispense'),
    id: fc.string({ maxLength: 4 }),
    status,
    authorizingPrescription: fc.oneof(
      fc.array(
        fc.record(
          {
            reference: fc.oneof(
              fc.string({ maxLength: 25 }).map((s) => `MedicationRequest/${s}`),
              junk,
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      junk,
    ),
    whenHandedOver: date,
    daysSupply: quantity,
  },
  { requiredKeys: ['resourceType'] },
);
const encounterArb = fc.record(
  {
    resourceType: fc.constant('Encounter'),
    id: fc.string({ maxLength: 4 }),
    status,
    class: fc.oneof(coding, junk, fc.array(cc)),
    period: fc.oneof(fc.record({ start: date, end: date }, { requiredKeys: [] }), junk),
  },
  { requiredKeys: ['resourceType'] },
);
const observation = fc.record(
  {
    resourceType: fc.constant('Observation'),
    id: fc.string({ maxLength: 4 }),
    status,
    code: cc,
    effectiveDateTime: date,
    valueString: fc.oneof(fc.constantFrom('pos', 'NEG', 'Detected', ''), junk),
    valueCodeableConcept: cc,
    valueQuantity: quantity,
    interpretation: fc.oneof(fc.array(cc, { maxLength: 2 }), junk),
    referenceRange: fc.oneof(
      fc.array(fc.record({ high: quantity }, { requiredKeys: [] }), { maxLength: 1 }),
      junk,
    ),
    component: fc.oneof(
      fc.array(fc.record({ code: cc, valueString: fc.string() }, { requiredKeys: [] }), {
        maxLength: 2,
      }),
      junk,
    ),
  },
  { requiredKeys: ['resourceType'] },
);
const task = fc.record(
  {
    resourceType: fc.constant('Task'),
    id: fc.string({ maxLength: 4 }),
    status,
    intent: fc.constant('order'),
    code: cc,
    reasonCode: cc,
    lastModified: date,
    authoredOn: date,
    restriction: fc.oneof(
      fc.record({ period: fc.record({ end: date }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      junk,
    ),
    basedOn: fc.oneof(fc.array(fc.record({ reference: fc.string() })), junk),
  },
  { requiredKeys: ['resourceType'] },
);
const maybeList = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.array(a, { maxLength: 8 }) }, { weight: 1, arbitrary: junk });

const record = fc.record(
  {
    medicationRequests: maybeList(medicationRequest),
    medications: maybeList(
      fc.record(
        { resourceType: fc.constant('Medication'), id: fc.string({ maxLength: 4 }), code: cc },
        { requiredKeys: [] },
      ),
    ),
    medicationDispenses: maybeList(dispense),
    conditions: maybeList(
      fc.record({ resourceType: fc.constant('Condition'), code: cc }, { requiredKeys: [] }),
    ),
    encounters: maybeList(encounterArb),
    observations: maybeList(observation),
    tasks: maybeList(task),
    carePlans: maybeList(
      fc.record(
        {
          resourceType: fc.constant('CarePlan'),
          id: fc.string({ maxLength: 4 }),
          category: fc.array(cc, { maxLength: 1 }),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('never throws', () => {
  it('deriveAll on partial, messy R4-shaped records', () => {
    fc.assert(
      fc.property(record, fc.integer({ min: asOf - 400, max: asOf + 400 }), (r, day) => {
        const s = deriveAll(r as unknown as PatientRecord, day);
        expect(s.failures).toEqual([]); // modules handle bad data themselves
        for (const p of s.coverage.pdc) expect(p.value).toBeGreaterThanOrEqual(0);
        for (const p of s.coverage.pdc) expect(p.value).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('deriveAll on non-records', () => {
    for (const bad of [undefined, null, 42, 'x', [], { medicationRequests: 'nope' }]) {
      expect(() => deriveAll(bad as unknown as PatientRecord, asOf)).not.toThrow();
    }
    expect(() => deriveAll({} as PatientRecord, Number.NaN)).not.toThrow();
  });

  it('module functions on messy resources', () => {
    fc.assert(
      fc.property(fc.array(encounterArb), fc.array(observation), (e, o) => {
        summariseVisits(e as never, asOf, { startDay: asOf - 5, tapering: true });
        readDrugTests(o as never);
      }),
      { numRuns: 200 },
    );
  });

  it('taper on arbitrary MME series', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            day: fc.integer({ min: asOf - 400, max: asOf + 5 }),
            mme: fc.oneof(fc.constant(null), fc.double({ min: -10, max: 500 })),
            orders: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
          }),
          { maxLength: 400 },
        ),
        (series) => {
          const t = assessTaper({ series, orders: [], supplyOf: testSupply, asOf });
          expect(t.state).toBeTypeOf('string');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('coverage invariants', () => {
  const supplies = fc.array(
    fc.record({
      start: fc.integer({ min: asOf - 500, max: asOf + 30 }),
      days: fc.integer({ min: 1, max: 120 }),
      product: fc.constantFrom(
        'buprenorphine-sublingual',
        'buprenorphine-er-monthly',
        'naltrexone-xr',
      ) as fc.Arbitrary<'buprenorphine-sublingual' | 'buprenorphine-er-monthly' | 'naltrexone-xr'>,
    }),
    { maxLength: 30 },
  );

  it('PDC ∈ [0,1], covered days never exceed the window, gaps are ≥1 day and disjoint from coverage', () => {
    fc.assert(
      fc.property(supplies, (s) => {
        const c = computeCoverage(
          s.map((x) => order({ start: x.start, days: x.days, product: x.product })),
          [],
          testSupply,
          asOf,
        );
        for (const p of c.pdc) {
          expect(p.value).toBeGreaterThanOrEqual(0);
          expect(p.value).toBeLessThanOrEqual(1);
          expect(p.coveredDays).toBeLessThanOrEqual(p.windowDays);
        }
        const spans = union(c.timeline);
        for (const g of c.gaps) {
          expect(g.days).toBeGreaterThanOrEqual(1);
          expect(g.end).toBeLessThanOrEqual(asOf);
          expect(coveredDaysIn(spans, g.start, g.end)).toBe(0);
        }
        expect(c.daysInTreatment).toBeLessThanOrEqual(
          c.currentSegment ? asOf - c.currentSegment.start + 1 : 0,
        );
        // Stacking conserves supply: total stacked days per medication = sum of supplies.
        const total = s.reduce((n, x) => n + x.days, 0);
        expect(c.timeline.reduce((n, t) => n + (t.end - t.start + 1), 0)).toBe(total);
      }),
      { numRuns: 300 },
    );
  });
});
