/**
 * Taper and safety: long-term opioid therapy, taper state and pace, dose
 * flags, and the cross-cutting overdose-risk flags.
 */
export { assessSafety, type SafetySummary } from './safety';
export {
  assessTaper,
  earlyRefills,
  TAPERING_STATES,
  type TaperState,
  type TaperSummary,
} from './taper';
