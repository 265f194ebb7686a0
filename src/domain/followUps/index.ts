/**
 * Follow-ups: the peer follow-ups the engine proposes, with their reasons
 * (the followup-reason CodeSystem), priority and due day.
 */
export { proposeFollowUps, type FollowUp } from './followUps';
export { FOLLOW_UP_REASON_SYSTEM, FOLLOW_UP_REASONS, followUpReasonCoding } from './reasons';
