/**
 * The shape deriveAll returns: everything the patient summary, the peer
 * plan composer and the worklist read. Every statement inside carries its
 * Evidence (rule id + resource references + detail).
 */
import type { DayNumber, Unreadable } from './core';
import type { CoverageSummary } from './coverage';
import type { DrugTestSummary } from './drugTests';
import type { Dimension, EngagementSummary } from './engagement';
import type { FollowUp } from './followUps';
import type { SafetySummary, TaperSummary } from './taper';
import type { ClassifiedOrder, MmeDay } from './medications';
import type { VisitSummary } from './visits';

/**
 * The steps deriveAll runs, each guarded on its own: a failure names its step,
 * and the summary's sections say which steps they show (features/summary/view.ts).
 */
export type DerivationModule =
  | 'record'
  | 'medications'
  | 'coverage'
  | 'mme'
  | 'drugTests'
  | 'taper'
  | 'visits'
  | 'safety'
  | 'engagement'
  | `engagement.${Dimension}`
  | 'followUps'
  | 'dates';

/** Whether a failure of `module` is one of `step` (engagement.peer is one of engagement). */
export function isPartOf(module: DerivationModule, step: DerivationModule): boolean {
  return module === step || module.startsWith(`${step}.`);
}

export interface MmeSummary {
  fromDay: DayNumber;
  toDay: DayNumber;
  /** One entry per day, fromDay..toDay (365 days ending asOf). */
  days: MmeDay[];
  /** MME factor-set version (e.g. "cdc-2022"), when the MME module reports it. */
  factorSet?: string;
}

export interface PatientSummary {
  asOf: DayNumber;
  /** ISO date of asOf, for display. */
  asOfDate: string;
  orders: ClassifiedOrder[];
  coverage: CoverageSummary;
  mme: MmeSummary;
  visits: VisitSummary;
  drugTests: DrugTestSummary;
  taper: TaperSummary;
  /** Cross-cutting overdose-risk flags (benzodiazepine with any opioid, no naloxone, rapid/abrupt taper). */
  safety: SafetySummary;
  engagement: EngagementSummary;
  followUps: FollowUp[];
  /** Every resource the engine could not read, from every module, with the reason. */
  unreadable: Unreadable[];
  /** Module failures caught by deriveAll (a bug, not bad data): shown as "partial". */
  failures: { module: DerivationModule; message: string }[];
}
