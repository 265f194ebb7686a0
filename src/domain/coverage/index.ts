export {
  computeCoverage,
  coveredDaysIn,
  coveringOn,
  union,
  type CoverageSummary,
  type SegmentKind,
  type SupplyOf,
} from './coverage';
