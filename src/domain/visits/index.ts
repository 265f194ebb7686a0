export {
  acuteCareWords,
  summariseVisits,
  type FollowUpRule,
  type Visit,
  type VisitContext,
  type VisitSummary,
} from './visits';
