/**
 * Property tests: no input shaped like (partial, messy) R4 resources makes the
 * engine — deriveAll or any module function — throw, and deriveAll records no
 * module failure for it; PDC stays in [0, 1]; coverage never exceeds its window;
 * MME is a finite number ≥ 0 or null (unknown). Day arithmetic across DST and
 * time zones: dates.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { computeCoverage, coveredDaysIn, union } from '../../src/domain/coverage';
import { fromDay } from '../../src/domain/core';
import { deriveAll } from '../../src/domain/derive';
import { daysSupply, dosePlan } from '../../src/domain/medications';
import { readDrugTests, summariseDrugTests } from '../../src/domain/drugTests';
import { isPeerTask, peerDimension } from '../../src/domain/engagement';
import { classifyOrders, oudDiagnoses } from '../../src/domain/medications';
import { mmeSeriesReport, orderMme } from '../../src/domain/medications';
import { assessTaper, earlyRefills } from '../../src/domain/taper';
import { summariseVisits } from '../../src/domain/visits';
import type { PatientRecord } from '../../src/domain/core';
import { D, order, testSupply } from './builders';
import { buildCohort } from '../fixtures/cohort';
import { recordOf } from './scenarios/record';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

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
    medicationReference: fc.oneof(
      fc.record(
        { reference: fc.constantFrom('#med', 'Medication/m1', 'Medication/', '#', 'x') },
        { requiredKeys: [] },
      ),
      junk,
    ),
    contained: fc.oneof(
      fc.array(
        fc.record(
          {
            resourceType: fc.constantFrom('Medication', 'Patient'),
            id: fc.constantFrom('med', 'm1', ''),
            code: cc,
            ingredient: fc.oneof(
              fc.array(
                fc.record(
                  {
                    itemCodeableConcept: cc,
                    strength: fc.oneof(
                      fc.record(
                        { numerator: quantity, denominator: quantity },
                        { requiredKeys: [] },
                      ),
                      junk,
                    ),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
              junk,
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      junk,
    ),
    reasonCode: fc.oneof(fc.array(cc, { maxLength: 1 }), junk),
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
                    frequencyMax: fc.oneof(fc.integer({ min: -1, max: 8 }), junk),
                    period: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.double()),
                    periodUnit: fc.constantFrom('d', 'h', 'wk', 'mo', 'a', 's', 'zz'),
                    timeOfDay: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), junk),
                    boundsPeriod: fc.record({ start: date, end: date }, { requiredKeys: [] }),
                  },
                  { requiredKeys: [] },
                ),
              },
              { requiredKeys: [] },
            ),
            sequence: fc.oneof(fc.integer({ min: -1, max: 3 }), junk),
            asNeededBoolean: fc.oneof(fc.boolean(), junk),
            doseAndRate: fc.oneof(
              fc.array(
                fc.record(
                  {
                    type: cc,
                    doseQuantity: quantity,
                    doseRange: fc.oneof(
                      fc.record({ low: quantity, high: quantity }, { requiredKeys: [] }),
                      junk,
                    ),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
              junk,
            ),
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
  it('deriveAll on partial, messy R4-shaped records: no throw, no module failure, invariants hold', () => {
    fc.assert(
      fc.property(record, fc.integer({ min: asOf - 400, max: asOf + 400 }), (r, day) => {
        const s = deriveAll(r as unknown as PatientRecord, day);
        expect(s.failures).toEqual([]); // modules handle bad data themselves
        for (const p of s.coverage.pdc) {
          expect(p.value).toBeGreaterThanOrEqual(0);
          expect(p.value).toBeLessThanOrEqual(1);
          expect(p.days).toBeLessThanOrEqual(p.windowDays);
          expect(p.coveredDays).toBeLessThanOrEqual(p.days);
        }
        // MME: a finite number ≥ 0, or null with a reason — never NaN, never negative.
        // (Plain checks, one expect: 365 expects per run made the property slow.)
        const badMme = s.mme.days.filter((m) =>
          m.mme === null
            ? !(m.unknownReasons && m.unknownReasons.length > 0)
            : !(Number.isFinite(m.mme) && m.mme >= 0),
        );
        expect(badMme).toEqual([]);
        if (s.taper.currentMme !== null) expect(s.taper.currentMme).toBeGreaterThanOrEqual(0);
        for (const o of s.orders) {
          const m = orderMme(o).mmePerDay;
          if (m !== null) expect(m >= 0 && Number.isFinite(m)).toBe(true);
        }
        expect(s.coverage.daysInTreatment).toBeGreaterThanOrEqual(0);
        for (const f of s.followUps) expect(f.dueDay).toBeGreaterThanOrEqual(s.asOf);
      }),
      { numRuns: 300 },
    );
  });

  it('every module function on the same messy records', () => {
    fc.assert(
      fc.property(record, (raw) => {
        const r = raw as unknown as PatientRecord;
        const { orders } = classifyOrders(r);
        for (const o of orders) {
          orderMme(o);
          dosePlan(o);
          daysSupply(o);
        }
        mmeSeriesReport(orders, asOf - 364, asOf);
        oudDiagnoses(r.conditions);
        const c = computeCoverage(orders, r.medicationDispenses, daysSupply, asOf);
        for (const p of c.pdc) expect(p.coveredDays).toBeLessThanOrEqual(p.windowDays);
        summariseDrugTests(r.observations, asOf, () => ['MedicationRequest/x']);
        earlyRefills(orders, daysSupply, asOf);
        if (Array.isArray(r.tasks)) {
          peerDimension(r.tasks, r.carePlans, asOf);
          for (const t of r.tasks) isPeerTask(t, r.carePlans);
        }
      }),
      { numRuns: 200 },
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

/**
 * Partial R4 resources that still reach the clinical paths: the cohort's real
 * patients with, per node, keys dropped or values swapped for junk (seeded).
 * Random records from scratch rarely classify as MOUD or reach a taper.
 */
describe('never throws on damaged cohort records', () => {
  const cohort = buildCohort(new Date('2025-03-15T12:00:00Z'));
  const cohortAsOf = D('2025-03-15');
  const JUNK: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1e308,
    Number.NaN,
    '',
    'x',
    '20240310',
    true,
    {},
    [],
  ];
  const damage = (value: unknown, rnd: () => number, p: number): unknown => {
    if (Array.isArray(value))
      return value.filter(() => rnd() > p / 2).map((v) => damage(v, rnd, p));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const r = rnd();
        if (k === 'resourceType') out[k] = v;
        else if (r < p / 2)
          continue; // dropped
        else if (r < p) out[k] = JUNK[Math.floor(rnd() * JUNK.length)];
        else out[k] = damage(v, rnd, p);
      }
      return out;
    }
    return value;
  };
  const mulberry32 = (seed: number) => () => {
    let t = (seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it('deriveAll: no throw, no module failure, PDC ∈ [0,1], MME ≥ 0 or null', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cohort.patients.length - 1 }),
        fc.integer(),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (i, seed, p) => {
          const rnd = mulberry32(seed);
          const resources = damage(
            [...cohort.patients[i]!.resources, ...cohort.shared],
            rnd,
            p,
          ) as never[];
          const s = deriveAll(recordOf(resources), cohortAsOf);
          expect(s.failures).toEqual([]);
          for (const x of s.coverage.pdc) {
            expect(x.value).toBeGreaterThanOrEqual(0);
            expect(x.value).toBeLessThanOrEqual(1);
            expect(x.coveredDays).toBeLessThanOrEqual(x.days);
          }
          expect(
            s.mme.days.filter((m) => m.mme !== null && !(Number.isFinite(m.mme) && m.mme >= 0)),
          ).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sanity: undamaged (p = 0) cohort records reach MOUD, MME and taper paths', () => {
    const states = cohort.patients.map(
      (x) => deriveAll(recordOf(x.resources, cohort.shared), cohortAsOf).taper.state,
    );
    expect(states).toContain('tapering-gradual');
    expect(states).toContain('abrupt-discontinuation');
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
