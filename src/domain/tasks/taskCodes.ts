/**
 * The peer Task's codes, from the generated code module: the Task code, the
 * output types and the contact outcomes (the app's CodeSystems peer-task-code,
 * task-output-type and contact-outcome).
 */
import type { CodeableConcept, Coding, Task } from 'fhir/r4';
import type { CodeOf } from '../../../fhir-profiles/generated/codes';
import { codingOf, conceptsOf, displayOf, isCodeOf, systemOf, tokenOf } from '../core/codes';

/** The Task.code of every peer follow-up Task the app writes and reads. */
const PEER_TASK_CODING: Coding = codingOf('peer-task-code', 'peer-follow-up');
/** The Task search parameter value for peer follow-up Tasks (`code=system|code`). */
export const PEER_TASK_CODE_TOKEN = tokenOf(PEER_TASK_CODING);

type TaskOutputType = CodeOf<'task-output-type'>;
type ContactOutcome = CodeOf<'contact-outcome'>;

/** Every contact outcome, in the CodeSystem's order (for pickers). */
export const CONTACT_OUTCOMES = conceptsOf('contact-outcome');

export function isContactOutcome(code: string | undefined): code is ContactOutcome {
  return isCodeOf('contact-outcome', code);
}

export function contactOutcomeDisplay(code: string): string {
  return displayOf('contact-outcome', code) ?? code;
}

export function contactOutcomeCoding(code: ContactOutcome): Coding {
  return codingOf('contact-outcome', code);
}

export function outputType(code: TaskOutputType): CodeableConcept {
  return { coding: [codingOf('task-output-type', code)] };
}

export function isOutputOfType(type: CodeableConcept | undefined, code: TaskOutputType): boolean {
  const system = systemOf('task-output-type');
  return (type?.coding ?? []).some((c) => c.system === system && c.code === code);
}

/** A Task's outputs of one type, in order. */
export function outputsOfType(task: Task, code: TaskOutputType): NonNullable<Task['output']> {
  return (Array.isArray(task.output) ? task.output : []).filter(
    (o) => !!o && isOutputOfType(o.type, code),
  );
}
