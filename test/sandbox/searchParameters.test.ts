import type { Bundle, SearchParameter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { perBaseSearchParameters } from './fhir';

const shared: SearchParameter = {
  resourceType: 'SearchParameter',
  id: 'clinical-date',
  url: 'http://hl7.org/fhir/SearchParameter/clinical-date',
  name: 'date',
  status: 'active',
  description: 'date',
  code: 'date',
  base: ['CarePlan', 'Observation', 'Encounter'],
  type: 'date',
  expression: 'CarePlan.period | (Observation.effective) | Encounter.period',
};

describe('perBaseSearchParameters', () => {
  it('gives each base type its own copy with only its own branches', () => {
    const out = perBaseSearchParameters({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: shared }],
    } as Bundle<SearchParameter>);
    const byBase = Object.fromEntries(
      (out.entry ?? []).map((e) => [e.resource?.base?.[0], e.resource]),
    );
    expect(Object.keys(byBase).sort()).toEqual(['CarePlan', 'Encounter', 'Observation']);
    expect(byBase.Observation?.expression).toBe('(Observation.effective)');
    expect(byBase.Encounter?.expression).toBe('Encounter.period');
    expect(byBase.Observation?.code).toBe('date');
  });

  it('leaves single-base parameters and unsplittable expressions as they are', () => {
    const single = {
      ...shared,
      base: ['Observation'],
      expression: 'Observation.effective',
    } as SearchParameter;
    const odd = {
      ...shared,
      id: 'odd',
      expression: 'ofType(Resource).meta.lastUpdated',
    } as SearchParameter;
    const out = perBaseSearchParameters({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: single }, { resource: odd }],
    } as Bundle<SearchParameter>);
    expect(out.entry?.[0]?.resource).toBe(single);
    expect(out.entry?.slice(1).map((e) => e.resource?.expression)).toEqual([
      odd.expression,
      odd.expression,
      odd.expression,
    ]);
  });
});
