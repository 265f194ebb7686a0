/**
 * What the engine makes of medication orders: the category and MOUD product of
 * each order, its ingredients, and the patient's MME per day. Shared by the
 * classifier, dose arithmetic, MME, coverage, taper and safety.
 */
import type { MedicationRequest } from 'fhir/r4';
import type { DayNumber } from '../core/dates';
import type { Evidence, Unreadable } from '../core/evidence';

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
