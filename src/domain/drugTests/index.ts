export {
  readDrugTests,
  summariseDrugTests,
  type DrugTestResult,
  type DrugTestSummary,
  type TestResult,
} from './drugTests';
