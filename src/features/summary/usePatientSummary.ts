import { useQuery } from '@tanstack/react-query';
import { dayOf } from '../../domain/dates';
import { deriveAll } from '../../domain/derive';
import type { PatientSummary } from '../../domain/summary-types';
import { loadPatientRecord, type LoadedRecord } from '../../fhir/patientRecord';
import { useSession } from '../session/SessionContext';

export interface PatientSummaryData {
  loaded: LoadedRecord;
  summary: PatientSummary;
}

/** The query key every screen uses for one patient's chart, so it is read once. */
export const patientSummaryKey = (patientId: string) => ['patient-summary', patientId] as const;

/**
 * The chart, read in one parallel round and derived once. The panel and the
 * peer-plan composer share it through react-query's cache.
 */
export function usePatientSummary(patientId: string) {
  const { send } = useSession();
  return useQuery({
    queryKey: patientSummaryKey(patientId),
    queryFn: async (): Promise<PatientSummaryData> => {
      const loaded = await loadPatientRecord(send, patientId);
      return { loaded, summary: deriveAll(loaded.record, dayOf(new Date())) };
    },
  });
}
