export { classifyOrders, oudDiagnoses } from './classify';
export { daysSupply, dosePlan } from './dosage';
export { mmeSeriesReport, orderMme } from './mme';
export {
  type ClassificationResult,
  type ClassifiedOrder,
  type MedicationCategory,
  type MmeDay,
  type MoudProduct,
} from './types';
