import type { Bundle, CapabilityStatement, FhirResource } from 'fhir/r4';
import { FhirError } from './errors';
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
  /** Resource types advertising conditional create (If-None-Exist). */
  conditionalCreate: string[];
  fhirVersion?: string;
  /** The server software's name and version, as it reports them. */
  software?: string;
  /** Why nothing is known: e.g. "answered 404", "could not be reached". */
  problem?: string;
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
    conditionalCreate: [],
    ...(cs?.fhirVersion ? { fhirVersion: cs.fhirVersion } : {}),
    ...(cs?.software?.name
      ? { software: [cs.software.name, cs.software.version].filter(Boolean).join(' ') }
      : {}),
  };
  for (const resource of rest?.resource ?? []) {
    if (resource.conditionalCreate) out.conditionalCreate.push(resource.type);
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
    if (body?.resourceType === 'CapabilityStatement') return capabilitiesFrom(body);
    return { ...capabilitiesFrom(undefined), problem: 'did not answer with a CapabilityStatement' };
  } catch (e) {
    return { ...capabilitiesFrom(undefined), problem: problemOf(e) };
  }
}

/** The parts of `.well-known/smart-configuration` the app shows and adapts to. */
export interface SmartConfiguration {
  known: boolean;
  /** e.g. permission-v2, launch-ehr, client-public, context-banner. */
  capabilities: string[];
  scopesSupported: string[];
  codeChallengeMethods: string[];
  grantTypes: string[];
  problem?: string;
}

/** Pure: a SmartConfiguration from the discovery document (anything unexpected is dropped). */
export function smartConfigurationFrom(body: unknown): SmartConfiguration {
  const doc = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return {
    known: typeof doc.authorization_endpoint === 'string' || Array.isArray(doc.capabilities),
    capabilities: strings(doc.capabilities),
    scopesSupported: strings(doc.scopes_supported),
    codeChallengeMethods: strings(doc.code_challenge_methods_supported),
    grantTypes: strings(doc.grant_types_supported),
  };
}

/** Reads the server's SMART discovery document; never throws. */
export async function readSmartConfiguration(send: Transport): Promise<SmartConfiguration> {
  try {
    const response = await withRetry(
      () =>
        send({ url: '.well-known/smart-configuration', headers: { Accept: 'application/json' } }),
      DEFAULT_RETRY,
    );
    const out = smartConfigurationFrom(response.body);
    return out.known ? out : { ...out, problem: 'did not answer with a SMART configuration' };
  } catch (e) {
    return { ...smartConfigurationFrom(undefined), problem: problemOf(e) };
  }
}

function problemOf(e: unknown): string {
  if (e instanceof FhirError) {
    return e.status
      ? `answered ${e.status}`
      : e.kind === 'network'
        ? 'could not be reached'
        : e.kind;
  }
  return 'could not be read';
}

/** What one read-only request did (the Integration check's live probes). */
export interface ProbeOutcome {
  ok: boolean;
  status?: number;
  /** Set when it failed: what kind of failure. */
  problem?: string;
  /** For searches: entries returned as matches, and resource types returned as includes. */
  matches?: number;
  includedTypes?: string[];
}

/**
 * Sends one GET and reports what happened, without retrying (the point is to
 * see what the server does) and without returning any resource content.
 */
export async function probeRequest(send: Transport, url: string): Promise<ProbeOutcome> {
  try {
    const response = await send({ url });
    const body = response.body as Bundle | FhirResource | undefined;
    if (body?.resourceType === 'Bundle') {
      const entries = body.entry ?? [];
      const included = entries.filter((e) => e.search?.mode === 'include');
      return {
        ok: true,
        status: response.status,
        matches: entries.length - included.length,
        includedTypes: [...new Set(included.map((e) => e.resource?.resourceType ?? ''))],
      };
    }
    return { ok: true, status: response.status };
  } catch (e) {
    return {
      ok: false,
      ...(e instanceof FhirError && e.status ? { status: e.status } : {}),
      problem: problemOf(e),
    };
  }
}
