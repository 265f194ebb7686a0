import type { HumanName, Identifier, Patient } from 'fhir/r4';

/** Shown when the EHR asks for it (`need_patient_banner`): who this screen is about. */
export function PatientBanner({ patient }: { patient: Patient }) {
  const mrn = findMrn(patient.identifier);
  return (
    <section className="patient-banner" aria-label="Patient">
      <h1 className="patient-banner__name">{formatName(patient.name)}</h1>
      <dl className="patient-banner__facts">
        <div>
          <dt>Date of birth</dt>
          <dd>{patient.birthDate ?? 'Not recorded'}</dd>
        </div>
        <div>
          <dt>Sex</dt>
          <dd>{formatSex(patient.gender)}</dd>
        </div>
        <div>
          <dt>MRN</dt>
          <dd>{mrn ?? 'Not recorded'}</dd>
        </div>
      </dl>
    </section>
  );
}

export function formatName(names: HumanName[] | undefined): string {
  const name =
    names?.find((n) => n.use === 'official') ?? names?.find((n) => n.use !== 'old') ?? names?.[0];
  if (!name) return 'Name not recorded';
  if (name.text) return name.text;
  const text = [...(name.given ?? []), name.family].filter(Boolean).join(' ');
  return text || 'Name not recorded';
}

function formatSex(gender: Patient['gender']): string {
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
function findMrn(identifiers: Identifier[] | undefined): string | undefined {
  const mr = identifiers?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'));
  return mr?.value;
}
