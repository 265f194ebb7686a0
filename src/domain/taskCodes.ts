/**
 * The peer Task's codes, read from the compiled CodeSystem JSON (the single
 * source of truth; codes are never retyped in TypeScript): the Task code, the
 * output types and the contact outcomes.
 */
import type { CodeableConcept, Coding } from 'fhir/r4';
import contactOutcome from '../../fhir-profiles/fsh-generated/resources/CodeSystem-contact-outcome.json';
import peerTaskCode from '../../fhir-profiles/fsh-generated/resources/CodeSystem-peer-task-code.json';
import taskOutputType from '../../fhir-profiles/fsh-generated/resources/CodeSystem-task-output-type.json';

interface Concept {
  code: string;
  display: string;
  definition?: string;
}

const concepts = (cs: { concept: Concept[] }): ReadonlyMap<string, Concept> =>
  new Map(cs.concept.map((c) => [c.code, c]));

export const PEER_TASK_CODE_SYSTEM: string = peerTaskCode.url;
/** The only concept of peer-task-code: a peer follow-up. */
export const PEER_TASK_CODE: string = (peerTaskCode.concept as Concept[])[0]?.code ?? '';

export const TASK_OUTPUT_TYPE_SYSTEM: string = taskOutputType.url;
const OUTPUT_TYPES = concepts(taskOutputType);
/** Output type codes, looked up so a renamed code fails loudly at load, not silently at write. */
export const OUTPUT_CONTACT_OUTCOME = requireCode(OUTPUT_TYPES, 'contact-outcome');
export const OUTPUT_CONTACT_ATTEMPT = requireCode(OUTPUT_TYPES, 'contact-attempt-note');

export const CONTACT_OUTCOME_SYSTEM: string = contactOutcome.url;
const OUTCOMES = concepts(contactOutcome);

/** Every contact outcome, in the CodeSystem's order (for pickers). */
export const CONTACT_OUTCOMES: readonly Concept[] = [...OUTCOMES.values()];

export function isContactOutcome(code: string | undefined): code is string {
  return code !== undefined && OUTCOMES.has(code);
}

export function contactOutcomeDisplay(code: string): string {
  return OUTCOMES.get(code)?.display ?? code;
}

export function contactOutcomeCoding(code: string): Coding {
  return { system: CONTACT_OUTCOME_SYSTEM, code, display: contactOutcomeDisplay(code) };
}

export function outputType(code: string): CodeableConcept {
  return {
    coding: [
      { system: TASK_OUTPUT_TYPE_SYSTEM, code, display: OUTPUT_TYPES.get(code)?.display ?? code },
    ],
  };
}

export function isOutputOfType(type: CodeableConcept | undefined, code: string): boolean {
  return (type?.coding ?? []).some((c) => c.system === TASK_OUTPUT_TYPE_SYSTEM && c.code === code);
}

function requireCode(map: ReadonlyMap<string, Concept>, code: string): string {
  if (!map.has(code)) throw new Error(`CodeSystem is missing ${code}`);
  return code;
}
