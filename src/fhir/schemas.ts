import type { FhirResource } from 'fhir/r4';
import { z } from 'zod';

/**
 * Per-entry checks of the fields the domain relies on. Loose on purpose: real
 * EHR data carries extensions and fields we don't read, and those must pass.
 * A resource that fails is reported and skipped, never fatal.
 */
const reference = z.looseObject({
  reference: z.string().optional(),
  display: z.string().optional(),
});
const coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
});
const codeableConcept = z.looseObject({
  coding: z.array(coding).optional(),
  text: z.string().optional(),
});
const period = z.looseObject({ start: z.string().optional(), end: z.string().optional() });
const base = { id: z.string().min(1), meta: z.looseObject({}).optional() };

const schemas = {
  Patient: z.looseObject({ ...base, resourceType: z.literal('Patient') }),
  MedicationRequest: z.looseObject({
    ...base,
    resourceType: z.literal('MedicationRequest'),
    status: z.string(),
    intent: z.string(),
    medicationCodeableConcept: codeableConcept.optional(),
    medicationReference: reference.optional(),
    authoredOn: z.string().optional(),
    dosageInstruction: z.array(z.looseObject({})).optional(),
  }),
  Medication: z.looseObject({
    ...base,
    resourceType: z.literal('Medication'),
    code: codeableConcept.optional(),
  }),
  MedicationDispense: z.looseObject({
    ...base,
    resourceType: z.literal('MedicationDispense'),
    status: z.string(),
  }),
  Condition: z.looseObject({
    ...base,
    resourceType: z.literal('Condition'),
    code: codeableConcept.optional(),
  }),
  Encounter: z.looseObject({
    ...base,
    resourceType: z.literal('Encounter'),
    status: z.string(),
    class: coding.optional(),
    period: period.optional(),
  }),
  Observation: z.looseObject({
    ...base,
    resourceType: z.literal('Observation'),
    status: z.string(),
    code: codeableConcept,
  }),
  Task: z.looseObject({
    ...base,
    resourceType: z.literal('Task'),
    status: z.string(),
    intent: z.string(),
  }),
  CarePlan: z.looseObject({
    ...base,
    resourceType: z.literal('CarePlan'),
    status: z.string(),
    intent: z.string(),
  }),
  CareTeam: z.looseObject({ ...base, resourceType: z.literal('CareTeam') }),
  Practitioner: z.looseObject({ ...base, resourceType: z.literal('Practitioner') }),
  PractitionerRole: z.looseObject({ ...base, resourceType: z.literal('PractitionerRole') }),
  Provenance: z.looseObject({ ...base, resourceType: z.literal('Provenance') }),
} as const;

export type SchemaType = keyof typeof schemas;

export type ParseOutcome<T> =
  { ok: true; resource: T } | { ok: false; reference: string; reason: string };

/** Checks one resource against the schema of its type. */
export function parseResource<T extends FhirResource>(
  value: unknown,
  expected?: SchemaType,
): ParseOutcome<T> {
  const type =
    isRecord(value) && typeof value.resourceType === 'string' ? value.resourceType : undefined;
  const id = isRecord(value) && typeof value.id === 'string' ? value.id : '(no id)';
  const reference = `${type ?? 'Unknown'}/${id}`;
  if (!type) return { ok: false, reference, reason: 'not a FHIR resource (no resourceType)' };
  if (expected && type !== expected) {
    return { ok: false, reference, reason: `expected ${expected}, got ${type}` };
  }
  const schema = (schemas as Record<string, z.ZodType | undefined>)[type];
  if (!schema)
    return { ok: false, reference, reason: `resource type ${type} is not read by this app` };
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reference, reason };
  }
  return { ok: true, resource: value as T };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
