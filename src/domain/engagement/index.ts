/**
 * Engagement in MOUD treatment: four dimensions (medication, visits, tests,
 * peer contact), each with its level and reasons, and the overall status from
 * the rule table.
 */
export {
  assessEngagement,
  engagementStatusCoding,
  isPeerTask,
  medicationDimension,
  peerDimension,
  testsDimension,
  visitsDimension,
  type Dimension,
  type DimensionStatus,
  type EngagementSummary,
  type Level,
  type OverallStatus,
} from './engagement';
