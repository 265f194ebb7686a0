/**
 * MME conversion factors, versioned (clinical reference §2). The table is data
 * (fhir-profiles/sources/mme-conversion-factors.json, generated into
 * fhir-profiles/generated/codes.ts keyed by RxNorm ingredient code) so a
 * clinician can check and correct a factor in one place; the version string
 * is recorded with every MME the app computes or writes.
 *
 * - CDC 2022 clinical factors; factors for opioids that table omits come from
 *   the CDC research file (2018) and are marked `research: true`, shown in
 *   the UI as "research factor".
 * - Buprenorphine is excluded (CDC gives no factor: partial agonist).
 */
import {
  MME_EXCLUDED,
  MME_FACTOR_SET,
  MME_FACTORS,
  type MmeBasis,
  type MmeFactor,
} from '../../../fhir-profiles/generated/codes';

export { MME_EXCLUDED, MME_FACTOR_SET, MME_FACTORS };
export type MmeFactorSet = typeof MME_FACTOR_SET;
export type FactorBasis = MmeBasis;
export type { MmeFactor };

const rowsFor = (ing: { rxcui?: string; name: string }): readonly MmeFactor[] => {
  if (ing.rxcui) return MME_FACTORS.get(ing.rxcui) ?? [];
  const name = ing.name.toLowerCase();
  for (const rows of MME_FACTORS.values()) if (rows[0]?.ingredient === name) return rows;
  return [];
};

/** Whether the ingredient's factor depends on the dose form (fentanyl: patch, film, nasal…). */
export function factorDependsOnForm(ing: { rxcui?: string; name: string }): boolean {
  return rowsFor(ing).some((f) => f.forms !== undefined);
}

/**
 * The factor row for an ingredient in a dose form. Fentanyl needs the form
 * (patch vs transmucosal vs nasal); fentanyl in another form (injection) has
 * no ambulatory factor and returns undefined.
 */
export function factorFor(
  ing: { rxcui?: string; name: string },
  doseForm: string | undefined,
): MmeFactor | undefined {
  const rows = rowsFor(ing);
  if (!rows.length) return undefined;
  const form = (doseForm ?? '').toLowerCase();
  const specific = rows.filter((f) => f.forms !== undefined);
  if (specific.length) return specific.find((f) => new RegExp(f.forms ?? '$^').test(form));
  return rows[0];
}
