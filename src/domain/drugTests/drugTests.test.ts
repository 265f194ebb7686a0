import { describe, expect, it } from 'vitest';
import { summariseDrugTests, readDrugTests } from './drugTests';
import { D, udsObs } from '../../../test/domain/builders';

const asOf = D('2024-06-30');
const BUP = '58359-1';
const FENT = '59673-4';
const MAM = '19321-9';
const none = () => [];

const shapes: [string, Parameters<typeof udsObs>[3], string][] = [
  ['valueString pos', { valueString: 'Positive' }, 'detected'],
  ['valueString neg', { valueString: 'neg' }, 'not-detected'],
  [
    'SNOMED detected',
    { valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260373001' }] } },
    'detected',
  ],
  [
    'SNOMED not detected',
    { valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260415000' }] } },
    'not-detected',
  ],
  [
    'LOINC LA11882-0',
    { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA11882-0' }] } },
    'detected',
  ],
  [
    'LOINC LA11883-8',
    { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA11883-8' }] } },
    'not-detected',
  ],
  [
    'LOINC LA6576-8',
    { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6576-8' }] } },
    'detected',
  ],
  [
    'LOINC LA6577-6',
    { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6577-6' }] } },
    'not-detected',
  ],
  ['interpretation POS', { interpretation: [{ coding: [{ code: 'POS' }] }] }, 'detected'],
  ['interpretation NEG', { interpretation: [{ coding: [{ code: 'NEG' }] }] }, 'not-detected'],
  ['interpretation DET', { interpretation: [{ coding: [{ code: 'DET' }] }] }, 'detected'],
  ['interpretation ND', { interpretation: [{ coding: [{ code: 'ND' }] }] }, 'not-detected'],
  ['interpretation A', { interpretation: [{ coding: [{ code: 'A' }] }] }, 'detected'],
  ['interpretation N', { interpretation: [{ coding: [{ code: 'N' }] }] }, 'not-detected'],
  [
    'numeric above range',
    { valueQuantity: { value: 12, unit: 'ng/mL' }, referenceRange: [{ high: { value: 5 } }] },
    'detected',
  ],
  [
    'numeric below range',
    { valueQuantity: { value: 2, unit: 'ng/mL' }, referenceRange: [{ high: { value: 5 } }] },
    'not-detected',
  ],
  ['numeric vs cutoff (5 ng/mL bup)', { valueQuantity: { value: 7, unit: 'ng/mL' } }, 'detected'],
  ['numeric other unit', { valueQuantity: { value: 7, unit: 'mg' } }, 'indeterminate'],
  ['unreadable text', { valueString: 'see note' }, 'indeterminate'],
];

describe('result shapes', () => {
  it.each(shapes)('%s', (_name, value, expected) => {
    const { results } = readDrugTests([udsObs('x', asOf, BUP, value)]);
    expect(results[0]?.result).toBe(expected);
    expect(results[0]?.analytes).toContain('buprenorphine');
  });

  it('ignores entered-in-error, cancelled, unknown; skips non drug-test observations', () => {
    const { results } = readDrugTests([
      udsObs('a', asOf, BUP, { valueString: 'pos' }, 'entered-in-error'),
      udsObs('b', asOf, BUP, { valueString: 'pos' }, 'cancelled'),
      udsObs('c', asOf, BUP, { valueString: 'pos' }, 'unknown'),
      udsObs('d', asOf, '4548-4', { valueQuantity: { value: 6.1 } }),
    ]);
    expect(results).toEqual([]);
  });

  it('a quantity whose unit code is not text is read, not thrown on (found by the property test)', () => {
    const damaged = { valueQuantity: { value: 7, code: 42 } } as unknown as Parameters<
      typeof udsObs
    >[3];
    const { results } = readDrugTests([udsObs('q', asOf, BUP, damaged)]);
    expect(results[0]?.result).toBe('indeterminate');
  });

  it('reads drug-test components of a panel', () => {
    const panel = udsObs('p', asOf, '00000-0', {
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: FENT }] }, valueString: 'NEG' },
        { code: { coding: [{ system: 'http://loinc.org', code: BUP }] }, valueString: 'POS' },
      ],
    });
    expect(readDrugTests([panel]).results.map((r) => [r.analytes[0], r.result])).toEqual([
      ['fentanyl-type', 'not-detected'],
      ['buprenorphine', 'detected'],
    ]);
  });
});

describe('signals', () => {
  it('buprenorphine detected while prescribed → consistent', () => {
    const s = summariseDrugTests([udsObs('a', asOf - 3, BUP, { valueString: 'pos' })], asOf, () => [
      'MedicationRequest/r',
    ]);
    expect(s.signals).toHaveLength(1);
    expect(s.signals[0]).toMatchObject({ kind: 'buprenorphine-consistent' });
  });

  it('buprenorphine not detected while prescribed → a conversation, in neutral words', () => {
    const s = summariseDrugTests([udsObs('a', asOf - 3, BUP, { valueString: 'neg' })], asOf, () => [
      'MedicationRequest/r',
    ]);
    expect(s.signals[0]?.kind).toBe('buprenorphine-not-detected');
    expect(s.signals[0]?.text).toMatch(/^Buprenorphine not detected 3 days ago/);
    expect(s.signals[0]?.evidence.flatMap((e) => e.resources)).toEqual([
      'Observation/a',
      'MedicationRequest/r',
    ]);
  });

  it('no bup signal when not prescribed', () => {
    const s = summariseDrugTests([udsObs('a', asOf - 3, BUP, { valueString: 'neg' })], asOf, none);
    expect(s.signals).toEqual([]);
  });

  it('fentanyl or 6-MAM detected → overdose risk', () => {
    const s = summariseDrugTests(
      [
        udsObs('f', asOf - 2, FENT, { valueString: 'POS' }),
        udsObs('h', asOf - 1, MAM, { interpretation: [{ coding: [{ code: 'DET' }] }] }),
      ],
      asOf,
      none,
    );
    expect(s.signals.map((x) => x.kind)).toEqual(['overdose-risk', 'overdose-risk']);
    expect(s.signals[0]?.text).toMatch(/^Fentanyl detected in a urine test 2 days ago/);
  });

  it('old fentanyl result (over 30 days) raises no overdose-risk signal', () => {
    const s = summariseDrugTests(
      [udsObs('f', asOf - 45, FENT, { valueString: 'POS' })],
      asOf,
      none,
    );
    expect(s.signals).toEqual([]);
    expect(s.latestByAnalyte['fentanyl-type']?.result).toBe('detected');
  });
});
