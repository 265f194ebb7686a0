import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Patient } from 'fhir/r4';
import { deriveAll } from '../../domain/derive';
import type { PatientSummary } from '../../domain/summary';
import { loadPatientRecord, type LoadedRecord } from '../../fhir/patientRecord';
import { readResource } from '../../fhir/read';
import type { Transport } from '../../fhir/transport';
import { todayOf, useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';

export interface PatientSummaryData {
  loaded: LoadedRecord;
  summary: PatientSummary;
}

/** The query key every screen uses for one patient's chart, so it is read once. */
export const patientSummaryKey = (patientId: string) => ['patient-summary', patientId] as const;

/** The Patient read, shared by the banner and the summary (react-query runs it once). */
const patientQuery = (send: Transport, patientId: string) =>
  queryOptions({
    queryKey: ['Patient', patientId] as const,
    queryFn: () => readResource<Patient>(send, 'Patient', patientId),
  });

export function usePatient(patientId: string) {
  const { send } = useSession();
  return useQuery(patientQuery(send, patientId));
}

/**
 * The chart, read in one parallel round and derived once. The panel and the
 * peer-plan composer share it through react-query's cache.
 */
export function usePatientSummary(patientId: string) {
  const { send } = useSession();
  const queryClient = useQueryClient();
  const clock = useClock();
  return useQuery({
    queryKey: patientSummaryKey(patientId),
    queryFn: async (): Promise<PatientSummaryData> => {
      const patientRead = queryClient.fetchQuery(patientQuery(send, patientId));
      const loaded = await loadPatientRecord(send, patientId, clock.now(), patientRead);
      return { loaded, summary: deriveAll(loaded.record, todayOf(clock)) };
    },
  });
}
