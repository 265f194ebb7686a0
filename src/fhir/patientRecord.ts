import type { FhirResource, Medication, MedicationRequest, Patient } from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import {
  emptyPatientRecord,
  type LoadStatus,
  type PatientRecord,
  type RecordPart,
} from '../domain/core';
import { FhirError } from './errors';
import { readResource, type ReadResult } from './read';
import { patientParam } from './references';
import { searchAll, type SearchResult } from './search';
import type { Transport } from './transport';

export type { RecordPart };

export interface LoadedRecord {
  record: PatientRecord;
  /** Parts that could not be read; the rest still shows. */
  failures: { part: RecordPart; error: FhirError }[];
  unreadable: Unreadable[];
  /** HTTP requests made, and in how many sequential rounds. */
  requests: number;
  rounds: number;
}

/**
 * Statuses the engine counts (HEDIS POD) plus the ones it must see to report
 * (entered-in-error is asked for so it can be shown as set aside, not missed).
 */
export const MEDICATION_REQUEST_STATUSES = 'active,completed,stopped,on-hold,entered-in-error';
/** Encounters and drug tests older than this do not change any statement the summary makes. */
export const HISTORY_YEARS = 3;
/**
 * Page size asked for. Large pages keep a long history to one round trip;
 * servers cap it to their own maximum and give `next` links, which we follow.
 */
export const PAGE_SIZE = 1000;

/**
 * Everything the patient summary needs, in one parallel round of searches
 * (plus a second round only when a server ignores `_include` and some orders
 * name a Medication by reference).
 */
export async function loadPatientRecord(
  send: Transport,
  patientId: string,
  today: Date,
  /** A read of the Patient already under way (the banner's), so it is not read twice. */
  patientRead: Promise<ReadResult<Patient>> = readResource<Patient>(send, 'Patient', patientId),
): Promise<LoadedRecord> {
  const since = new Date(today);
  since.setFullYear(since.getFullYear() - HISTORY_YEARS);
  const sinceDate = since.toISOString().slice(0, 10);
  // Typed (`Patient/<id>`): some servers match nothing for a bare id.
  const patient = { ...patientParam(patientId), _count: String(PAGE_SIZE) };

  const searches = {
    medicationRequests: searchAll<MedicationRequest>(send, 'MedicationRequest', {
      ...patient,
      status: MEDICATION_REQUEST_STATUSES,
      _include: 'MedicationRequest:medication',
    }),
    medicationDispenses: searchAll(send, 'MedicationDispense', patient),
    conditions: searchAll(send, 'Condition', patient),
    encounters: searchAll(send, 'Encounter', { ...patient, date: `ge${sinceDate}` }),
    // Category, not a code list: 700+ drug-test LOINC codes do not fit a URL, and
    // some EHRs refuse an Observation search without category or code.
    observations: searchAll(send, 'Observation', {
      ...patient,
      category: 'laboratory',
      date: `ge${sinceDate}`,
    }),
    tasks: searchAll(send, 'Task', patient),
    carePlans: searchAll(send, 'CarePlan', patient),
  } satisfies Partial<Record<RecordPart, Promise<SearchResult<FhirResource>>>>;

  const names = Object.keys(searches) as (keyof typeof searches)[];
  const [patientResult, ...settled] = await Promise.allSettled([
    patientRead,
    ...names.map((n) => searches[n]),
  ]);

  const out: LoadedRecord = {
    record: emptyPatientRecord(),
    failures: [],
    unreadable: [],
    requests: 1,
    rounds: 1,
  };
  const status: Partial<Record<RecordPart, LoadStatus>> = {};
  out.record.loadStatus = status;
  const fail = (part: RecordPart, reason: unknown) => {
    const error = asFhirError(reason);
    out.failures.push({ part, error });
    status[part] = { state: 'failed', reason: error.message };
  };
  if (patientResult?.status === 'fulfilled') {
    out.record.patient = patientResult.value.resource;
    status.patient = { state: 'complete' };
  } else fail('patient', patientResult?.reason);

  settled.forEach((result, i) => {
    const part = names[i] as keyof typeof searches;
    if (result.status === 'rejected') {
      fail(part, result.reason);
      return;
    }
    const value = result.value as SearchResult<FhirResource>;
    status[part] = value.truncated
      ? { state: 'truncated', reason: 'Only the first pages of this search were loaded.' }
      : { state: 'complete' };
    out.requests += value.requests;
    out.unreadable.push(...value.unreadable);
    (out.record[part] as FhirResource[]).push(...value.resources);
    if (part === 'medicationRequests') {
      out.record.medications.push(
        ...value.included.filter((r): r is Medication => r.resourceType === 'Medication'),
      );
    }
  });

  const missing = missingMedicationIds(out.record.medicationRequests, out.record.medications);
  if (missing.length) {
    out.rounds = 2;
    // Reads by id, in parallel: the chart scopes grant Medication read, not search.
    const reads = await Promise.allSettled(
      missing.map((id) => readResource<Medication>(send, 'Medication', id)),
    );
    out.requests += reads.length;
    reads.forEach((r, i) => {
      if (r.status === 'fulfilled') out.record.medications.push(r.value.resource);
      else
        out.unreadable.push({
          reference: `Medication/${missing[i]}`,
          reason: asFhirError(r.reason).message,
        });
    });
  }
  return out;
}

/** Medication ids referenced by orders but neither included nor contained. */
export function missingMedicationIds(
  requests: MedicationRequest[],
  medications: Medication[],
): string[] {
  const have = new Set(medications.map((m) => m.id));
  const ids = new Set<string>();
  for (const r of requests) {
    const ref = r.medicationReference?.reference;
    const m = ref ? /^(?:.*\/)?Medication\/([^/]+)$/.exec(ref) : null;
    if (m?.[1] && !have.has(m[1])) ids.add(m[1]);
  }
  return [...ids].sort();
}

function asFhirError(e: unknown): FhirError {
  return e instanceof FhirError
    ? e
    : new FhirError('network', e instanceof Error ? e.message : 'Request failed');
}
