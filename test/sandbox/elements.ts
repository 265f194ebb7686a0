/**
 * `_elements` (FHIR R4 search §3.1.1.5.9): only the elements asked for, plus
 * id and meta, marked SUBSETTED, as a server that supports it answers. The
 * sandbox applies it to the matches of a search, not to `_include`d resources.
 */
import type { Resource } from '@medplum/fhirtypes';

const SUBSETTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
};

export function subsetElements(resource: Resource, elements: string | null): Resource {
  if (!elements) return resource;
  const wanted = new Set(elements.split(',').map((e) => e.trim().split('.')[0]));
  const out: Record<string, unknown> = { resourceType: resource.resourceType };
  for (const [k, v] of Object.entries(resource)) if (k === 'id' || wanted.has(k)) out[k] = v;
  out.meta = { ...resource.meta, tag: [...(resource.meta?.tag ?? []), SUBSETTED] };
  return out as unknown as Resource;
}
