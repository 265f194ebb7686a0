import { describeFhirError, FhirError } from '../../fhir/errors';
import { ErrorBoundary } from '../../ui/ErrorBoundary';
import { PatientBanner } from '../../ui/PatientBanner';
import { PeerPlanSection } from '../peerPlan/PeerPlanSection';
import { PatientSummaryPanel } from '../summary/PatientSummaryPanel';
import { usePatient } from '../summary/usePatientSummary';
import { useSession } from '../session/SessionContext';

/** The clinician's view inside one patient's chart. */
export function ChartScreen({ patientId }: { patientId: string }) {
  const { session } = useSession();
  const patient = usePatient(patientId);
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
          <ErrorBoundary what="The patient banner">
            <PatientBanner patient={patient.data.resource} />
          </ErrorBoundary>
        ))}
      <ErrorBoundary what="The patient summary">
        <PatientSummaryPanel patientId={patientId} />
      </ErrorBoundary>
      <ErrorBoundary what="Peer support">
        <PeerPlanSection patientId={patientId} />
      </ErrorBoundary>
    </main>
  );
}
