/**
 * Test helper: one cohort patient derived as of a fixed day, plus small
 * helpers to state expectations in "days before asOf" like the fixture files.
 */
import { buildCohort } from '../../fixtures/cohort';
import { dayOf, fromDay, type DayNumber } from '../../../src/domain/core';
import { deriveAll } from '../../../src/domain/derive';
import type { PatientSummary } from '../../../src/domain/summary';
import { recordOf } from './record';

/** Noon UTC: the same calendar day in every zone from −11 to +11. */
export const AS_OF_DATE = new Date('2025-03-15T12:00:00Z');

export interface Scenario {
  asOf: DayNumber;
  s: PatientSummary;
  /** The day `n` days before asOf (negative = after). */
  d: (n: number) => DayNumber;
  /** ISO date of `n` days before asOf, as the reasons print it. */
  isoD: (n: number) => string;
  /** Resource reference of this patient's resource with the id suffix. */
  ref: (type: string, suffix: string) => string;
}

export function scenario(key: string, asOfDate: Date = AS_OF_DATE): Scenario {
  const asOf = dayOf(asOfDate, 'UTC');
  const cohort = buildCohort(asOfDate);
  const p = cohort.patients.find((x) => x.key === key);
  if (!p) throw new Error(`no cohort patient ${key}`);
  const s = deriveAll(recordOf(p.resources, cohort.shared), asOf);
  return {
    asOf,
    s,
    d: (n) => asOf - n,
    isoD: (n) => fromDay(asOf - n),
    ref: (type, suffix) => `${type}/${key}-${suffix}`,
  };
}
