/**
 * Types shared between domain modules. Each module owns its own result types;
 * only what crosses module boundaries lives here.
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
import type { DayNumber } from './dates';
import type { Evidence, Unreadable } from './evidence';

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
  | { state: 'truncated'; reason: string }
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

export type MedicationCategory =
  | 'moud-buprenorphine'
  | 'moud-methadone'
  | 'moud-naltrexone'
  | 'buprenorphine-pain' // Butrans, Belbuca, Buprenex: not MOUD, not in MME
  | 'opioid-analgesic'
  | 'benzodiazepine'
  | 'naloxone-rescue'
  | 'other'
  | 'unrecognised';

/** The MOUD product group, which decides default days supply and how it is shown. */
export type MoudProduct =
  | 'buprenorphine-sublingual' // SL tablet/film, buccal film for OUD: default 7 days
  | 'buprenorphine-er-monthly' // Sublocade, Brixadi monthly: 31 days
  | 'buprenorphine-er-weekly' // Brixadi weekly: 7 days
  | 'buprenorphine-implant' // Probuphine: 180 days
  | 'methadone-otp'
  | 'methadone-oud' // methadone with an OUD reason, non-OTP form
  | 'naltrexone-xr' // 380 mg injection: 31 days
  | 'naltrexone-oral-oud';

export interface Ingredient {
  rxcui?: string;
  name: string;
  /** Strength per unit (tablet, patch, mL…) when known. */
  strength?: { value: number; unit: string; per?: string };
}

/** One MedicationRequest with what the engine made of it. */
export interface ClassifiedOrder {
  reference: string; // "MedicationRequest/id"
  request: MedicationRequest;
  category: MedicationCategory;
  moudProduct?: MoudProduct;
  /** The best display text for the medication. */
  display: string;
  /** RxNorm codes found on the order or its Medication. */
  rxnorm: string[];
  ingredients: Ingredient[];
  /** Whether status and intent make it count (HEDIS POD conventions). */
  counted: boolean;
  /** Start day: boundsPeriod.start, else authoredOn, else validityPeriod.start. */
  start?: DayNumber;
  /** Dose form text (Medication.form, the CDC drug table, or the display text), when known. Added by medications.ts. */
  doseForm?: string;
  evidence: Evidence[];
}

export interface ClassificationResult {
  orders: ClassifiedOrder[];
  unreadable: Unreadable[];
}

/** Patient MME/day on one day; `null` means unknown (never silently 0). */
export interface MmeDay {
  day: DayNumber;
  mme: number | null;
  /** Orders active that day. */
  orders: string[];
  /** Why the total is unknown, when it is. */
  unknownReasons?: string[];
}
