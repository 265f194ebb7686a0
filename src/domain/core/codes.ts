/**
 * The domain's reading of the generated code module
 * (fhir-profiles/generated/codes.ts, from the sources in fhir-profiles/): the
 * app's CodeSystem concepts and the small ValueSets as Codings and sets. Codes
 * are never typed into src/ (test/code/literals.test.ts checks); a code named
 * here is typed against the CodeSystem, so a renamed code fails to compile.
 */
import type { Coding } from 'fhir/r4';
import {
  CODE_SYSTEM,
  VALUE_SET,
  type CodeOf,
  type CodeSystemId,
  type Concept,
  type ValueSetId,
} from '../../../fhir-profiles/generated/codes';
import { codingsOf } from './guards';

/** The concepts of one of the app's CodeSystems, in its order. */
export function conceptsOf(cs: CodeSystemId): readonly Concept[] {
  return CODE_SYSTEM[cs].concepts;
}

export function systemOf(cs: CodeSystemId): string {
  return CODE_SYSTEM[cs].url;
}

/** Whether a string is a code of the CodeSystem. */
export function isCodeOf<K extends CodeSystemId>(cs: K, code: unknown): code is CodeOf<K> {
  return typeof code === 'string' && conceptsOf(cs).some((c) => c.code === code);
}

/** The display of a code of the CodeSystem, if it is one. */
export function displayOf(cs: CodeSystemId, code: string): string | undefined {
  return conceptsOf(cs).find((c) => c.code === code)?.display;
}

/** The Coding (system, code, display) of a code of one of the app's CodeSystems. */
export function codingOf<K extends CodeSystemId>(cs: K, code: CodeOf<K>): Coding {
  return { system: systemOf(cs), code, display: displayOf(cs, code) ?? code };
}

/** Whether a CodeableConcept carries the code of the app's CodeSystem (system and code). */
export function hasCode<K extends CodeSystemId>(cc: unknown, cs: K, code: CodeOf<K>): boolean {
  return codingsOf(cc).some((c) => c.system === systemOf(cs) && c.code === code);
}

/** The codings a ValueSet lists, as FHIR Codings (display only where the ValueSet gives one). */
export function valueSetCodings(vs: ValueSetId): Coding[] {
  return VALUE_SET[vs].concepts.map((c) => ({ ...c }));
}

/** The codes of a ValueSet, optionally only those of the given systems. */
export function valueSetCodes(vs: ValueSetId, systems?: readonly string[]): ReadonlySet<string> {
  if (!systems) return VALUE_SET[vs].codes;
  return new Set(
    VALUE_SET[vs].concepts.filter((c) => systems.includes(c.system)).map((c) => c.code),
  );
}

/** Whether a CodeableConcept carries a coding (system and code) the ValueSet lists. */
export function inValueSet(cc: unknown, vs: ValueSetId): boolean {
  const listed = VALUE_SET[vs].concepts;
  return codingsOf(cc).some((c) => listed.some((l) => l.system === c.system && l.code === c.code));
}

/** A Coding as a token search value: `system|code`. */
export function tokenOf(coding: Coding): string {
  return `${coding.system ?? ''}|${coding.code ?? ''}`;
}
