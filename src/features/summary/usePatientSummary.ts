import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Patient } from 'fhir/r4';
import { deriveAll } from '../../domain/derive';
import type { PatientRecord, RecordPart } from '../../domain/core';
import type { PatientSummary } from '../../domain/summary';
import { loadPatientRecord, type LoadedRecord } from '../../fhir/patientRecord';
import { readResource } from '../../fhir/read';
import type { Transport } from '../../fhir/transport';
import { todayOf, useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';

export interface PatientSummaryData {
  loaded: LoadedRecord;
  summary: PatientSummary;
  /** Parts still loading: the sections that need them say "Loading…"; the rest show. */
  pending: RecordPart[];
}

/**
 * Parts that arrived are shown before the rest once the chart has been
 * loading this long: a slow search then holds back only its sections, while
 * an ordinary load renders once (no partial renders competing with it).
 */
const SHOW_PARTIAL_AFTER_MS = 1000;

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
 * peer-plan composer share it through react-query's cache. The banner's
 * Patient read runs beside it, not before it: neither waits for the other.
 */
export function usePatientSummary(patientId: string) {
  const { send } = useSession();
  const queryClient = useQueryClient();
  const key = patientSummaryKey(patientId);
  const clock = useClock();
  return useQuery({
    queryKey: key,
    queryFn: async (): Promise<PatientSummaryData> => {
      const derive = (loaded: LoadedRecord, pending: RecordPart[]): PatientSummaryData => ({
        loaded,
        summary: deriveAll(loaded.record as PatientRecord, todayOf(clock)),
        pending,
      });
      // What has arrived is shown while a slow search is still out.
      let latest: { loaded: LoadedRecord; pending: RecordPart[] } | undefined;
      let live = false; // the load has taken long enough to show parts
      let scheduled: ReturnType<typeof setTimeout> | undefined;
      const show = () => {
        scheduled = undefined;
        if (latest?.pending.length)
          queryClient.setQueryData(key, derive(latest.loaded, latest.pending));
      };
      const slow = setTimeout(() => {
        live = true;
        show();
      }, SHOW_PARTIAL_AFTER_MS);
      const loaded = await loadPatientRecord(send, patientId, clock.now(), (partial, pending) => {
        latest = { loaded: partial, pending };
        // Arrivals close together are shown together (one derivation, one render).
        if (live) scheduled ??= setTimeout(show, 50);
      }).finally(() => {
        clearTimeout(slow);
        if (scheduled) clearTimeout(scheduled);
        latest = undefined;
      });
      return derive(loaded, []);
    },
  });
}
