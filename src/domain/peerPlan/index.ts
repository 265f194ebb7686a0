export {
  draftFromFollowUps,
  draftProblems,
  MAX_TASKS_PER_WRITE,
  PEER_ACTIVITIES,
  newDraftTask,
  peerPlanDraftShape,
  type DraftTask,
  type PeerPlanDraft,
} from './draft';
export { activityDisplay, planAsText } from './narrative';
export {
  isPeerSpecialistRole,
  PEER_SPECIALIST_ROLE_TOKEN,
  peerChoices,
  type PeerChoice,
} from './peers';
export { findActivePeerPlan, findOudCondition, isPeerSupportPlan } from './plans';
export { IDENTIFIER_SYSTEM, type BuildContext } from './resources';
export {
  batchBundle,
  batchSteps,
  planWrite,
  responseReference,
  scopesNeeded,
  transactionBundle,
  type PlannedWrite,
} from './writePlan';
