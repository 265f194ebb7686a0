import { useQuery } from '@tanstack/react-query';
import type { Patient } from 'fhir/r4';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { readResource } from '../../fhir/read';
import { PatientBanner } from '../../ui/PatientBanner';
import { PeerPlanSection } from '../peerPlan/PeerPlanSection';
import { PatientSummaryPanel } from '../summary/PatientSummaryPanel';
import { useSession } from '../session/SessionContext';

/** The clinician's view inside one patient's chart. */
export function ChartScreen({ patientId }: { patientId: string }) {
  const { session, send } = useSession();
  const patient = useQuery({
    queryKey: ['Patient', patientId],
    queryFn: () => readResource<Patient>(send, 'Patient', patientId),
  });
  return (
    <main className="chart">
      {session.needPatientBanner &&
        (patient.isPending ? (
          <p aria-busy="true">Loading patient…</p>
        ) : patient.isError ? (
          <p role="alert">
            The patient's details could not be loaded.{' '}
            {patient.error instanceof FhirError ? describeFhirError(patient.error) : ''}
          </p>
        ) : (
          <PatientBanner patient={patient.data.resource} />
        ))}
      <PatientSummaryPanel patientId={patientId} />
      <PeerPlanSection patientId={patientId} />
    </main>
  );
}
