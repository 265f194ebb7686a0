export { proposeFollowUps, type FollowUp } from './followUps';
export { FOLLOW_UP_REASON_SYSTEM, FOLLOW_UP_REASONS, followUpReasonCoding } from './reasons';
