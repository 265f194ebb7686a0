/**
 * A tiny stand-in cohort for the sandbox's own tests only (the real synthetic
 * cohort lives in test/fixtures/cohort). Same shapes, far fewer resources.
 */
import type { FhirResource } from 'fhir/r4';
import type { Cohort } from '../fixtures/cohort/index';

function days(asOf: Date, delta: number): string {
  return new Date(asOf.getTime() + delta * 86_400_000).toISOString().slice(0, 10);
}

export function miniCohort(asOf = new Date()): Cohort {
  const obs = (pid: string, n: number): FhirResource[] =>
    Array.from({ length: n }, (_, i) => ({
      resourceType: 'Observation',
      id: `${pid}-uds-${i}`,
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'laboratory',
            },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: i % 2 ? '19659-8' : '3426-4' }] },
      subject: { reference: `Patient/${pid}` },
      effectiveDateTime: days(asOf, -i * 7),
    }));
  return {
    users: [
      {
        id: 'dr-okafor',
        name: 'Dr. Ada Okafor',
        role: 'clinician',
        practitionerId: 'dr-okafor',
        practitionerRoleId: 'dr-okafor-role',
      },
      {
        id: 'peer-sam',
        name: 'Sam Lee',
        role: 'peer',
        practitionerId: 'peer-sam',
        practitionerRoleId: 'peer-sam-role',
      },
    ],
    shared: [
      { resourceType: 'Organization', id: 'clinic', name: 'Sandbox Primary Care' },
      {
        resourceType: 'Practitioner',
        id: 'dr-okafor',
        name: [{ family: 'Okafor', given: ['Ada'] }],
      },
      { resourceType: 'Practitioner', id: 'peer-sam', name: [{ family: 'Lee', given: ['Sam'] }] },
      {
        resourceType: 'PractitionerRole',
        id: 'dr-okafor-role',
        practitioner: { reference: 'Practitioner/dr-okafor' },
        organization: { reference: 'Organization/clinic' },
      },
      {
        resourceType: 'PractitionerRole',
        id: 'peer-sam-role',
        practitioner: { reference: 'Practitioner/peer-sam' },
        organization: { reference: 'Organization/clinic' },
        code: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '175T00000X' }] }],
      },
      {
        resourceType: 'Medication',
        id: 'bup-nal-8-2',
        code: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '351266' }],
        },
      },
    ],
    patients: [
      {
        key: 'alex-rivera',
        name: 'Alex Rivera',
        scenario: 'Stable on buprenorphine',
        resources: [
          {
            resourceType: 'Patient',
            id: 'alex-rivera',
            name: [{ family: 'Rivera', given: ['Alex'] }],
            birthDate: '1985-04-02',
          },
          {
            resourceType: 'MedicationRequest',
            id: 'alex-mr-1',
            status: 'active',
            intent: 'order',
            subject: { reference: 'Patient/alex-rivera' },
            medicationReference: { reference: 'Medication/bup-nal-8-2' },
            authoredOn: days(asOf, -10),
          },
          {
            resourceType: 'Task',
            id: 'alex-task-1',
            status: 'requested',
            intent: 'order',
            for: { reference: 'Patient/alex-rivera' },
            focus: { reference: 'MedicationRequest/alex-mr-1' },
            owner: { reference: 'PractitionerRole/peer-sam-role' },
            restriction: { period: { end: days(asOf, 3) } },
          },
          ...obs('alex-rivera', 25),
        ],
      },
      {
        key: 'blair-chen',
        name: 'Blair Chen',
        scenario: 'New to care',
        resources: [
          {
            resourceType: 'Patient',
            id: 'blair-chen',
            name: [{ family: 'Chen', given: ['Blair'] }],
          },
          {
            resourceType: 'Task',
            id: 'blair-task-1',
            status: 'requested',
            intent: 'order',
            for: { reference: 'Patient/blair-chen' },
            owner: { reference: 'PractitionerRole/peer-sam-role' },
          },
          ...obs('blair-chen', 2),
        ],
      },
    ],
  };
}
