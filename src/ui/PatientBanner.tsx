import type { Patient } from 'fhir/r4';
import { dateText, mrn, personName } from './safeFields';

/** Shown when the EHR asks for it (`need_patient_banner`): who this screen is about. */
export function PatientBanner({ patient }: { patient: Patient }) {
  const id = findMrn(patient.identifier);
  const unreadableIds = patient.identifier !== undefined && !Array.isArray(patient.identifier);
  return (
    <section className="patient-banner" aria-label="Patient">
      <h1 className="patient-banner__name">{formatName(patient.name)}</h1>
      <dl className="patient-banner__facts">
        <div>
          <dt>Date of birth</dt>
          <dd>
            {dateText(patient.birthDate) ??
              (patient.birthDate === undefined ? 'Not recorded' : 'Could not be read')}
          </dd>
        </div>
        <div>
          <dt>Sex</dt>
          <dd>{formatSex(patient.gender)}</dd>
        </div>
        <div>
          <dt>MRN</dt>
          <dd>{id ?? (unreadableIds ? 'Could not be read' : 'Not recorded')}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The name to show; each field is checked on its own (see safeFields.ts). */
export function formatName(names: unknown): string {
  return personName(names);
}

function formatSex(gender: unknown): string {
  switch (gender) {
    case 'female':
      return 'Female';
    case 'male':
      return 'Male';
    case 'other':
      return 'Other';
    default:
      return 'Not recorded';
  }
}

/** The medical record number: identifier typed MR (HL7 v2-0203). */
function findMrn(identifiers: unknown): string | undefined {
  return mrn(identifiers);
}
