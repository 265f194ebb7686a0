/**
 * MME conversion factors, versioned (clinical reference §2). One named table so
 * a clinician can check and correct a factor in one place; the version string
 * is recorded with every MME the app computes or writes.
 *
 * - CDC 2022 clinical factors (CDC Clinical Practice Guideline for Prescribing
 *   Opioids for Pain, 2022, Table: MME conversion factors).
 * - Factors for opioids that table omits come from the CDC research file
 *   (Oral MME conversion file, 2018) and are marked `research: true`, shown in
 *   the UI as "research factor".
 * - Buprenorphine is excluded (CDC gives no factor: partial agonist).
 *
 * Keys are RxNorm ingredient (IN) codes; a test checks each code and name
 * against the CDC drug table so the table cannot drift from the data.
 */

export const MME_FACTOR_SET = 'cdc-2022' as const;
export type MmeFactorSet = typeof MME_FACTOR_SET;

/** How the dose is expressed for the factor: mg/day, µg/h (patch), or µg/day (transmucosal fentanyl). */
export type FactorBasis = 'mg/day' | 'mcg/h' | 'mcg/day';

export interface MmeFactor {
  ingredient: string;
  rxcui: string;
  factor: number;
  basis: FactorBasis;
  source: 'CDC 2022' | 'CDC research file 2018';
  research: boolean;
  /** Dose forms this row applies to (lower-case regex source); none = any form not matched by a more specific row. */
  forms?: string;
  note?: string;
}

export const MME_FACTORS: readonly MmeFactor[] = [
  {
    ingredient: 'codeine',
    rxcui: '2670',
    factor: 0.15,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'fentanyl',
    rxcui: '4337',
    factor: 2.4,
    basis: 'mcg/h',
    source: 'CDC 2022',
    research: false,
    forms: 'transdermal|patch',
    note: 'patches worn at once × µg/h × 2.4, whatever the change interval',
  },
  {
    ingredient: 'fentanyl',
    rxcui: '4337',
    factor: 0.16,
    basis: 'mcg/day',
    source: 'CDC research file 2018',
    research: true,
    forms: 'nasal',
    note: 'nasal spray',
  },
  {
    ingredient: 'fentanyl',
    rxcui: '4337',
    factor: 0.18,
    basis: 'mcg/day',
    source: 'CDC research file 2018',
    research: true,
    forms: 'film|mucosal spray|oral spray|sublingual spray',
    note: 'buccal/soluble film or oral (sublingual) spray',
  },
  {
    ingredient: 'fentanyl',
    rxcui: '4337',
    factor: 0.13,
    basis: 'mcg/day',
    source: 'CDC research file 2018',
    research: true,
    forms: 'buccal|sublingual|lozenge|troche',
    note: 'buccal or sublingual tablet, lozenge',
  },
  {
    ingredient: 'hydrocodone',
    rxcui: '5489',
    factor: 1,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'hydromorphone',
    rxcui: '3423',
    factor: 5,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
    note: 'was 4 in CDC 2016',
  },
  {
    ingredient: 'methadone',
    rxcui: '6813',
    factor: 4.7,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
    note: 'analgesic methadone only (MOUD methadone is not counted); CDC 2016 used dose tiers 4/8/10/12',
  },
  {
    ingredient: 'morphine',
    rxcui: '7052',
    factor: 1,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'oxycodone',
    rxcui: '7804',
    factor: 1.5,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'oxymorphone',
    rxcui: '7814',
    factor: 3,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'tapentadol',
    rxcui: '787390',
    factor: 0.4,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'tramadol',
    rxcui: '10689',
    factor: 0.2,
    basis: 'mg/day',
    source: 'CDC 2022',
    research: false,
  },
  {
    ingredient: 'butorphanol',
    rxcui: '1841',
    factor: 7,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
  {
    ingredient: 'dihydrocodeine',
    rxcui: '23088',
    factor: 0.25,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
  {
    ingredient: 'levorphanol',
    rxcui: '6378',
    factor: 11,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
  {
    ingredient: 'meperidine',
    rxcui: '6754',
    factor: 0.1,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
  {
    ingredient: 'pentazocine',
    rxcui: '8001',
    factor: 0.37,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
  {
    ingredient: 'opium',
    rxcui: '7676',
    factor: 1,
    basis: 'mg/day',
    source: 'CDC research file 2018',
    research: true,
  },
];

/** Ingredients deliberately without a factor, and why (shown as the reason MME is not computed). */
export const MME_EXCLUDED: Readonly<Record<string, string>> = {
  '1819': 'buprenorphine is excluded from MME (CDC 2022 gives no factor)',
};

/**
 * The factor row for an ingredient in a dose form. Fentanyl needs the form
 * (patch vs transmucosal vs nasal); fentanyl in another form (injection) has
 * no ambulatory factor and returns undefined.
 */
export function factorFor(
  ing: { rxcui?: string; name: string },
  doseForm: string | undefined,
): MmeFactor | undefined {
  const rows = MME_FACTORS.filter((f) =>
    ing.rxcui ? f.rxcui === ing.rxcui : f.ingredient === ing.name.toLowerCase(),
  );
  if (!rows.length) return undefined;
  const form = (doseForm ?? '').toLowerCase();
  const specific = rows.filter((f) => f.forms !== undefined);
  if (specific.length) return specific.find((f) => new RegExp(f.forms ?? '$^').test(form));
  return rows[0];
}
