/**
 * Every statement the engine makes carries its evidence: which rule produced
 * it and which resources it stands on, so a clinician can open them and check.
 */
export interface Evidence {
  /** A stable rule id, e.g. "coverage.gap-8-days" or "mme.cdc-2022". */
  rule: string;
  /** Resource references behind the statement, e.g. "MedicationRequest/abc". */
  resources: string[];
  /** A short human explanation of how the rule applied (arithmetic, thresholds). */
  detail?: string;
}

/** A resource that could not be interpreted: reported, never silently dropped. */
export interface Unreadable {
  reference: string;
  reason: string;
}

export function ref(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${resource.id ?? '(no id)'}`;
}
