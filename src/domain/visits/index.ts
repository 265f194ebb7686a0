/**
 * Visits: attended, missed and planned encounters, recent emergency or
 * inpatient care, and the CDC 2022 follow-up interval check.
 */
export {
  acuteCareWords,
  summariseVisits,
  type FollowUpRule,
  type Visit,
  type VisitSummary,
} from './visits';
