import { describe, expect, it } from 'vitest';
import { FhirError } from './errors';
import { parseReference, patientParam, referenceList, typedReference } from './references';

describe('typedReference', () => {
  it('names the type with the id', () => {
    expect(typedReference('Patient', 'stable-buprenorphine')).toBe('Patient/stable-buprenorphine');
    expect(typedReference('Practitioner', 'eq081-VQEgP8drUUqCWzHfw3')).toBe(
      'Practitioner/eq081-VQEgP8drUUqCWzHfw3',
    );
    expect(typedReference('PractitionerRole', '12345.6')).toBe('PractitionerRole/12345.6');
  });

  it('refuses an id that is not a FHIR id instead of pasting it into a query', () => {
    for (const id of [
      '',
      'a/b',
      'x&owner:missing=true',
      '../Patient/other',
      'a b',
      'a'.repeat(65),
      'Patient/1',
      '%2F',
    ]) {
      expect(() => typedReference('Patient', id), id).toThrow(FhirError);
    }
  });
});

describe('patientParam', () => {
  it('is the typed patient search parameter', () => {
    expect(patientParam('p1')).toEqual({ patient: 'Patient/p1' });
    expect(new URLSearchParams(patientParam('p1')).toString()).toBe('patient=Patient%2Fp1');
  });
});

describe('parseReference', () => {
  it('reads relative, absolute and versioned references', () => {
    expect(parseReference('Practitioner/dr-okafor')).toEqual({
      type: 'Practitioner',
      id: 'dr-okafor',
      reference: 'Practitioner/dr-okafor',
    });
    expect(parseReference('https://ehr.example.org/fhir/r4/Practitioner/abc')?.reference).toBe(
      'Practitioner/abc',
    );
    expect(parseReference('CarePlan/9/_history/3')?.reference).toBe('CarePlan/9');
  });

  it('names nothing for a bare id, a contained or logical reference, or garbage', () => {
    for (const r of [undefined, null, '', 'dr-okafor', '#contained', 'urn:uuid:1234', 'patient/1'])
      expect(parseReference(r), String(r)).toBeUndefined();
  });
});

describe('referenceList', () => {
  it('joins typed references with commas (OR)', () => {
    expect(referenceList(['Practitioner/a', 'PractitionerRole/b'])).toBe(
      'Practitioner/a,PractitionerRole/b',
    );
  });

  it('refuses a bare id or an absolute URL in a search value', () => {
    expect(() => referenceList(['a'])).toThrow(FhirError);
    expect(() => referenceList(['https://x.example/fhir/Practitioner/a'])).toThrow(FhirError);
  });
});
