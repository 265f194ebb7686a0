/**
 * Typed references for searches and writes: `Patient/<id>`, never a bare id.
 *
 * FHIR lets a server accept `patient=123` for a reference parameter with one
 * possible target, but it does not have to, and real servers differ: Medplum
 * matches nothing for a bare id (`PractitionerRole?practitioner=123` returns
 * no roles, while `practitioner=Practitioner/123` finds them). A typed
 * reference is understood by every server, so the app sends nothing else.
 */

import { FhirError } from './errors';

/** Resource types the app names in references. */
export type ReferenceType =
  | 'Patient'
  | 'Practitioner'
  | 'PractitionerRole'
  | 'CarePlan'
  | 'CareTeam'
  | 'Task'
  | 'Organization'
  | 'RelatedPerson';

/** FHIR id: 1–64 of [A-Za-z0-9-.]. Anything else is refused, not escaped into a query. */
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TYPE = /^[A-Z][A-Za-z]{1,63}$/;

/**
 * `Type/id` for a search value or a Reference.reference. A malformed id (from
 * a token response or a resource) is refused with an 'invalid-data' FhirError,
 * never pasted into a query.
 */
export function typedReference(type: ReferenceType, id: string): string {
  if (!TYPE.test(type) || !ID.test(id)) {
    throw new FhirError('invalid-data', `The EHR named a ${type} with an id the app cannot use.`);
  }
  return `${type}/${id}`;
}

/**
 * A `Type/id` reference from a value that may be absolute
 * (`https://ehr.example.org/fhir/Practitioner/1`), relative, or carry a
 * version (`…/_history/2`). Undefined when it names no resource.
 */
export function parseReference(
  reference: string | undefined | null,
): { type: string; id: string; reference: string } | undefined {
  if (!reference) return undefined;
  const m = /(?:^|\/)([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(
    reference,
  );
  if (!m) return undefined;
  const [, type, id] = m as unknown as [string, string, string];
  return { type, id, reference: `${type}/${id}` };
}

/** The `patient` search parameter for one patient: `{ patient: 'Patient/<id>' }`. */
export function patientParam(patientId: string): { patient: string } {
  return { patient: typedReference('Patient', patientId) };
}

/** Several typed references as one search value (comma = OR). */
export function referenceList(references: readonly string[]): string {
  return references
    .map((r) => {
      const parsed = parseReference(r);
      if (!parsed || parsed.reference !== r)
        throw new FhirError('invalid-data', 'A reference the app was to search by is not Type/id.');
      return r;
    })
    .join(',');
}
