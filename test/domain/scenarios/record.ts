/** Test/bench helper: split a cohort patient's resources into a PatientRecord. */
import type { FhirResource } from 'fhir/r4';
import { emptyPatientRecord, type PatientRecord } from '../../../src/domain/core';

export function recordOf(resources: FhirResource[], shared: FhirResource[] = []): PatientRecord {
  const r: PatientRecord = emptyPatientRecord();
  for (const x of [...resources, ...shared]) {
    switch (x.resourceType) {
      case 'Patient':
        if (resources.includes(x)) r.patient = x;
        break;
      case 'MedicationRequest':
        r.medicationRequests.push(x);
        break;
      case 'Medication':
        r.medications.push(x);
        break;
      case 'MedicationDispense':
        r.medicationDispenses.push(x);
        break;
      case 'Condition':
        r.conditions.push(x);
        break;
      case 'Encounter':
        r.encounters.push(x);
        break;
      case 'Observation':
        r.observations.push(x);
        break;
      case 'Task':
        r.tasks.push(x);
        break;
      case 'CarePlan':
        r.carePlans.push(x);
        break;
      default:
        break;
    }
  }
  return r;
}
