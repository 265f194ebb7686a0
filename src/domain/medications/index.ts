/**
 * Medications and MME: what each order is (MOUD product, buprenorphine for
 * pain, opioid analgesic, benzodiazepine, rescue naloxone), its dose
 * arithmetic and days supply, and MME per order and per day (CDC 2022).
 */
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
