/**
 * The shape deriveAll returns: everything the patient summary, the peer
 * plan composer and the worklist read. Every statement inside carries its
 * Evidence (rule id + resource references + detail).
 */
import type { CoverageSummary } from './coverage';
import type { DayNumber } from './core';
import type { DrugTestSummary } from './drugTests';
import type { EngagementSummary } from './engagement';
import type { Unreadable } from './core';
import type { FollowUp } from './followUps';
import type { SafetySummary } from './taper';
import type { TaperSummary } from './taper';
import type { ClassifiedOrder, MmeDay } from './medications';
import type { VisitSummary } from './visits';

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
  failures: { module: string; message: string }[];
}
