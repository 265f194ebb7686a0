export { describeChanges } from './changes';
export {
  CONTACT_OUTCOMES,
  contactOutcomeCoding,
  contactOutcomeDisplay,
  isContactOutcome,
  outputsOfType,
  outputType,
  PEER_TASK_CODE_TOKEN,
} from './taskCodes';
export {
  actorsFor,
  applyTaskAction,
  availableActions,
  normalizeReference,
  OPEN_TASK_STATUSES,
  statusLabel,
  statusWords,
  taskAttempts,
  taskOutcome,
  type TaskActionInput,
  type TaskActionKind,
  type TaskRefusal,
} from './workflow';
export {
  buildWorklist,
  parseStatusFilter,
  withStatusFilter,
  WORKLIST_STATUSES,
  type WorklistRow,
  type WorklistStatus,
} from './worklist';
