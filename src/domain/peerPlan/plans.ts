/**
 * Reading what is on record: the patient's active peer-support plan, the
 * activities it holds, and the OUD Condition a new plan addresses.
 */
import type { CarePlan, Condition } from 'fhir/r4';
import { hasCode, systemOf } from '../core/codes';
import { codingsOf, present } from '../core/guards';
import { isOudConcept } from '../medications/classify';

export function isPeerSupportPlan(plan: CarePlan): boolean {
  return present(plan.category).some((cat) =>
    hasCode(cat, 'careplan-category', 'peer-recovery-support'),
  );
}

/** The patient's active peer-support plan (newest first), if any. */
export function findActivePeerPlan(plans: readonly CarePlan[]): CarePlan | undefined {
  return plans
    .filter((p) => p.status === 'active' && typeof p.id === 'string' && isPeerSupportPlan(p))
    .sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''))[0];
}

/** The peer-activity codes a plan already holds. */
export function planActivityCodes(plan: CarePlan): string[] {
  return present(plan.activity).flatMap((a) =>
    codingsOf(a.detail?.code)
      .filter((c) => c.system === systemOf('peer-activity') && typeof c.code === 'string')
      .map((c) => String(c.code)),
  );
}

/** The OUD Condition the plan addresses (the engine's OUD ValueSet test), if on record. */
export function findOudCondition(conditions: readonly Condition[]): Condition | undefined {
  return conditions.find(
    (c) =>
      typeof c.id === 'string' &&
      !codingsOf(c.verificationStatus).some(
        (v) => v.code === 'entered-in-error' || v.code === 'refuted',
      ) &&
      isOudConcept(c.code),
  );
}
