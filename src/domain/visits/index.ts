export {
  acuteCareWords,
  summariseVisits,
  type FollowUpRule,
  type Visit,
  type VisitSummary,
} from './visits';
