/**
 * Urine drug tests: every result shape read as detected / not detected /
 * indeterminate per analyte group, and the signals a care team acts on.
 */
export {
  readDrugTests,
  summariseDrugTests,
  type DrugTestResult,
  type DrugTestSummary,
  type TestResult,
} from './drugTests';
