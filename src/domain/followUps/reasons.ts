/**
 * The follow-up reasons: the codes of the followup-reason CodeSystem
 * (fhir-profiles/codesystems/followup-reason.json), from the generated code module.
 */
import type { Coding } from 'fhir/r4';
import type { CodeOf } from '../../../fhir-profiles/generated/codes';
import { conceptsOf, displayOf, isCodeOf, systemOf } from '../core/codes';

type FollowUpReason = CodeOf<'followup-reason'>;

export const FOLLOW_UP_REASON_SYSTEM = systemOf('followup-reason');

/** Every reason, in the CodeSystem's order (for pickers). */
export const FOLLOW_UP_REASONS = conceptsOf('followup-reason');

export function isFollowUpReason(code: unknown): code is FollowUpReason {
  return isCodeOf('followup-reason', code);
}

/** The Coding for a reason code; an unknown code keeps its code and says so in the display. */
export function followUpReasonCoding(code: string): Coding {
  return {
    system: FOLLOW_UP_REASON_SYSTEM,
    code,
    display: displayOf('followup-reason', code) ?? `(unknown reason ${code})`,
  };
}
