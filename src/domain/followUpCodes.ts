/**
 * The app's follow-up reason codes, read from the CodeSystem JSON (the single
 * source of truth; codes are never retyped in TypeScript).
 *
 * NOTE: tsconfig.app.json must list "fhir-profiles/codesystems/*.json" in
 * `include` for `tsc -b` to accept this import (TS6307); vite/vitest read it as is.
 */
import type { Coding } from 'fhir/r4';
import codeSystem from '../../fhir-profiles/codesystems/followup-reason.json';

export const FOLLOW_UP_REASON_SYSTEM: string = codeSystem.url;

interface Concept {
  code: string;
  display: string;
  definition?: string;
}

const CONCEPTS: ReadonlyMap<string, Concept> = new Map(
  (codeSystem.concept as Concept[]).map((c) => [c.code, c]),
);

export function isFollowUpReason(code: string): boolean {
  return CONCEPTS.has(code);
}

/** The Coding for a reason code; an unknown code keeps its code and says so in the display. */
export function followUpReasonCoding(code: string): Coding {
  const c = CONCEPTS.get(code);
  return {
    system: FOLLOW_UP_REASON_SYSTEM,
    code,
    display: c?.display ?? `(unknown reason ${code})`,
  };
}

export const ALL_FOLLOW_UP_REASONS: readonly string[] = [...CONCEPTS.keys()];
