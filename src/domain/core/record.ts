/**
 * The patient record the engine reads: every part of the chart, already
 * parsed and validated by the FHIR layer, with how completely each part loaded.
 */
import type {
  Condition,
  Encounter,
  Medication,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Observation,
  Patient,
  Task,
  CarePlan,
} from 'fhir/r4';

/** The parts of a chart the engine reads; each is loaded (or fails) on its own. */
export type RecordPart =
  | 'patient'
  | 'medicationRequests'
  | 'medicationDispenses'
  | 'medicationAdministrations'
  | 'conditions'
  | 'encounters'
  | 'observations'
  | 'tasks'
  | 'carePlans';

/**
 * How completely one part of the record was loaded. The engine must never read
 * a failed or truncated part's empty (or short) list as "nothing there".
 */
export type LoadStatus =
  | { state: 'complete' }
  /** Some resources are missing: a page limit or a server cap stopped the search. */
  | {
      state: 'truncated';
      reason: string;
      /** How many were loaded, and of how many (when the server said). */
      loaded?: number;
      total?: number;
      /** What was loaded is the newest (the search came newest first), back to `oldestLoaded`. */
      newestFirst?: boolean;
      oldestLoaded?: string;
      /** Why the search stopped: its page limit, a next link going in a circle, or one leaving the server. */
      stoppedBy?: 'page-limit' | 'loop' | 'off-server';
    }
  /** Nothing of this part could be read. */
  | { state: 'failed'; reason: string };

/** Everything the engine reads for one patient, already parsed and validated. */
export interface PatientRecord {
  patient?: Patient;
  medicationRequests: MedicationRequest[];
  /** Referenced Medication resources (contained ones are read from the request itself). */
  medications: Medication[];
  medicationDispenses: MedicationDispense[];
  medicationAdministrations: MedicationAdministration[];
  conditions: Condition[];
  encounters: Encounter[];
  observations: Observation[];
  tasks: Task[];
  carePlans: CarePlan[];
  /**
   * Load status per part, from the FHIR layer. A part not named here is
   * complete (records built in memory, e.g. by tests, are whole).
   */
  loadStatus?: Partial<Record<RecordPart, LoadStatus>>;
}

/** A record with nothing in it yet, to be filled part by part. */
export function emptyPatientRecord(): PatientRecord {
  return {
    medicationRequests: [],
    medications: [],
    medicationDispenses: [],
    medicationAdministrations: [],
    conditions: [],
    encounters: [],
    observations: [],
    tasks: [],
    carePlans: [],
  };
}
