import type { CapabilityStatement } from 'fhir/r4';
import { DEFAULT_RETRY, withRetry } from './search';
import type { Transport } from './transport';

/** What the connected server says it supports, as far as this app cares. */
export interface ServerCapabilities {
  /** The server answered /metadata with a CapabilityStatement. */
  known: boolean;
  transaction: boolean;
  batch: boolean;
  /** `_include` values advertised per resource type (e.g. Task → ["Task:patient"]). */
  includes: Record<string, string[]>;
  /** Interactions advertised per resource type (read, search-type, create, update…). */
  interactions: Record<string, string[]>;
  /** Search parameter names advertised per resource type. */
  searchParams: Record<string, string[]>;
}

/** Pure: the parts of a CapabilityStatement the app adapts to. */
export function capabilitiesFrom(cs: CapabilityStatement | undefined): ServerCapabilities {
  const rest = cs?.rest?.find((r) => r.mode === 'server') ?? cs?.rest?.[0];
  const system = new Set((rest?.interaction ?? []).map((i) => i.code));
  const out: ServerCapabilities = {
    known: Boolean(rest),
    transaction: system.has('transaction'),
    batch: system.has('batch'),
    includes: {},
    interactions: {},
    searchParams: {},
  };
  for (const resource of rest?.resource ?? []) {
    out.includes[resource.type] = resource.searchInclude ?? [];
    out.interactions[resource.type] = (resource.interaction ?? []).map((i) => i.code);
    out.searchParams[resource.type] = (resource.searchParam ?? []).map((p) => p.name);
  }
  return out;
}

/**
 * Reads /metadata. A server that cannot answer is treated as supporting only
 * the basics (no transaction), so the app degrades rather than fails.
 */
export async function readCapabilities(send: Transport): Promise<ServerCapabilities> {
  try {
    const response = await withRetry(() => send({ url: 'metadata' }), DEFAULT_RETRY);
    const body = response.body as CapabilityStatement | undefined;
    return capabilitiesFrom(body?.resourceType === 'CapabilityStatement' ? body : undefined);
  } catch {
    return capabilitiesFrom(undefined);
  }
}
