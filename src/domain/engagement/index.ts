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
