export { assessSafety, type SafetySummary } from './safety';
export {
  assessTaper,
  earlyRefills,
  TAPERING_STATES,
  type TaperState,
  type TaperSummary,
} from './taper';
