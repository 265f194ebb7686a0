import type {
  Encounter,
  FhirResource,
  Medication,
  MedicationDispense,
  MedicationRequest,
  Observation,
} from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import {
  emptyPatientRecord,
  type LoadStatus,
  type PatientRecord,
  type RecordPart,
} from '../domain/core';
import { FhirError } from './errors';
import { loadStatusOf, NEWEST_FIRST, searchNewestFirst } from './narrow';
import { readResource } from './read';
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
 * name a Medication by reference). The Patient itself is not read here: the
 * engine does not use it, and the banner reads it on its own, so a slow
 * Patient read never holds the summary back (nor a slow search the banner).
 * Searches that can grow long come newest first, so a page limit drops the
 * oldest, and each part's load status says what is missing.
 */
export async function loadPatientRecord(
  send: Transport,
  patientId: string,
  today: Date,
  /** Called as each part arrives, with what is loaded so far and the parts still out. */
  onProgress?: (loaded: LoadedRecord, pending: RecordPart[]) => void,
): Promise<LoadedRecord> {
  const since = new Date(today);
  since.setFullYear(since.getFullYear() - HISTORY_YEARS);
  const sinceDate = since.toISOString().slice(0, 10);
  // Typed (`Patient/<id>`): some servers match nothing for a bare id.
  const patient = { ...patientParam(patientId), _count: String(PAGE_SIZE) };

  const searches = {
    medicationRequests: searchNewestFirst<MedicationRequest>(
      send,
      'MedicationRequest',
      {
        ...patient,
        status: MEDICATION_REQUEST_STATUSES,
        _include: 'MedicationRequest:medication',
      },
      NEWEST_FIRST.MedicationRequest,
    ),
    medicationDispenses: searchNewestFirst<MedicationDispense>(
      send,
      'MedicationDispense',
      patient,
      NEWEST_FIRST.MedicationDispense,
    ),
    conditions: searchAll(send, 'Condition', patient),
    encounters: searchNewestFirst<Encounter>(
      send,
      'Encounter',
      { ...patient, date: `ge${sinceDate}` },
      NEWEST_FIRST.Encounter,
    ),
    // Category, not a code list: 700+ drug-test LOINC codes do not fit a URL, and
    // some EHRs refuse an Observation search without category or code.
    observations: searchNewestFirst<Observation>(
      send,
      'Observation',
      { ...patient, category: 'laboratory', date: `ge${sinceDate}` },
      NEWEST_FIRST.Observation,
    ),
    tasks: searchAll(send, 'Task', patient),
    carePlans: searchAll(send, 'CarePlan', patient),
  } satisfies Partial<Record<RecordPart, Promise<SearchResult<FhirResource>>>>;

  const names = Object.keys(searches) as (keyof typeof searches)[];
  const out: LoadedRecord = {
    record: emptyPatientRecord(),
    failures: [],
    unreadable: [],
    requests: 0,
    rounds: 1,
  };
  const status: Partial<Record<RecordPart, LoadStatus>> = {};
  out.record.loadStatus = status;
  const fail = (part: RecordPart, reason: unknown) => {
    const error = asFhirError(reason);
    out.failures.push({ part, error });
    status[part] = { state: 'failed', reason: error.message };
  };
  const pending = new Set<RecordPart>(names);

  // Each part is taken in as soon as it arrives (and reported, so the screen
  // shows what is ready while a slow search is still out).
  const settle = async (part: (typeof names)[number]) => {
    try {
      const value = (await searches[part]) as SearchResult<FhirResource>;
      status[part] = loadStatusOf(value);
      out.requests += value.requests;
      out.unreadable.push(...value.unreadable);
      (out.record[part] as FhirResource[]).push(...value.resources);
      if (part === 'medicationRequests') {
        out.record.medications.push(
          ...value.included.filter((r): r is Medication => r.resourceType === 'Medication'),
        );
        await readMissingMedications(send, out);
      }
    } catch (e) {
      fail(part, e);
    }
    pending.delete(part);
    onProgress?.(snapshot(out, names), [...pending]);
  };
  await Promise.all(names.map(settle));
  return snapshot(out, names);
}

/** Round 2, as soon as the orders are in: Medications they reference and the server did not include. */
async function readMissingMedications(send: Transport, out: LoadedRecord): Promise<void> {
  const missing = missingMedicationIds(out.record.medicationRequests, out.record.medications);
  if (!missing.length) return;
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

/** A copy the caller may keep while loading goes on; failures in the parts' order. */
function snapshot(out: LoadedRecord, order: readonly RecordPart[]): LoadedRecord {
  const r = out.record;
  return {
    ...out,
    failures: [...out.failures].sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part)),
    unreadable: [...out.unreadable],
    record: {
      ...r,
      medicationRequests: [...r.medicationRequests],
      medications: [...r.medications],
      medicationDispenses: [...r.medicationDispenses],
      medicationAdministrations: [...r.medicationAdministrations],
      conditions: [...r.conditions],
      encounters: [...r.encounters],
      observations: [...r.observations],
      tasks: [...r.tasks],
      carePlans: [...r.carePlans],
      loadStatus: { ...r.loadStatus },
    },
  };
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
