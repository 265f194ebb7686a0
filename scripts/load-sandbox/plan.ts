/**
 * Pure part of the sandbox loader: which resources go to the server, with
 * which business identifier, in which order, in which request.
 *
 * Every resource gets identifier `COHORT_SYSTEM|<fixture id>` and is written
 * with a conditional create (`If-None-Exist: identifier=…`), so a second run
 * finds what the first created, on servers that assign their own ids as well
 * as on those that accept client ids. References between resources are
 * rewritten to `urn:uuid:` fullUrls inside one request, and to the server's
 * ids for resources an earlier request already created or found.
 */
import { randomUUID } from 'node:crypto';
import type { FhirResource, Identifier } from 'fhir/r4';
import type { Cohort } from '../../test/fixtures/cohort/index';

export const COHORT_SYSTEM = 'https://peer-recovery.example.org/fhir/sid/cohort';

/** One fixture resource, keyed by its fixture reference ("Patient/stable-buprenorphine"). */
export interface PlannedResource {
  key: string;
  resource: FhirResource;
}

/** The practice ("shared") first, then one group per scenario patient. */
export interface LoadGroup {
  /** "shared" or the scenario key. */
  name: string;
  /** In dependency order: a resource comes after the resources it references. */
  resources: PlannedResource[];
}

export function fixtureKey(r: FhirResource): string {
  return `${r.resourceType}/${r.id ?? ''}`;
}

/** The search that finds a loaded resource again: `identifier=system|value`. */
export function identifierQuery(fixtureId: string): string {
  return `identifier=${encodeURIComponent(`${COHORT_SYSTEM}|${fixtureId}`)}`;
}

/** A copy with the cohort identifier added (kept if already there). */
export function withCohortIdentifier(resource: FhirResource): FhirResource {
  const copy = structuredClone(resource) as FhirResource & { identifier?: Identifier[] };
  const id = resource.id ?? '';
  const identifiers = copy.identifier ?? [];
  if (!identifiers.some((i) => i.system === COHORT_SYSTEM && i.value === id)) {
    copy.identifier = [...identifiers, { system: COHORT_SYSTEM, value: id }];
  }
  return copy;
}

/** Every `reference` string in a resource (contained "#x" and absolute URLs left out). */
export function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') {
        if (/^[A-Z][A-Za-z]+\/[^/]+$/.test(v)) out.push(v);
      } else if (k !== 'contained') {
        referencesIn(v, out);
      }
    }
  }
  return out;
}

/** A deep copy with each `reference` mapped (unmapped ones kept as they are). */
export function rewriteReferences<T>(value: T, map: (ref: string) => string | undefined): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === 'reference' && typeof x === 'string' ? (map(x) ?? x) : walk(x),
        ]),
      );
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Orders a group so each resource follows those it references within the
 * group (stable otherwise). A cycle keeps the fixture order for its members:
 * inside one transaction the server resolves urn:uuid references anyway.
 */
export function dependencyOrder(resources: PlannedResource[]): PlannedResource[] {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: PlannedResource[] = [];
  const visit = (r: PlannedResource): void => {
    if (done.has(r.key) || visiting.has(r.key)) return;
    visiting.add(r.key);
    for (const ref of referencesIn(r.resource)) {
      const dep = byKey.get(ref);
      if (dep && dep !== r) visit(dep);
    }
    visiting.delete(r.key);
    done.add(r.key);
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

export function planLoad(cohort: Cohort): LoadGroup[] {
  const plan = (resources: FhirResource[]): PlannedResource[] =>
    dependencyOrder(
      resources.map((r) => ({ key: fixtureKey(r), resource: withCohortIdentifier(r) })),
    );
  return [
    { name: 'shared', resources: plan(cohort.shared) },
    ...cohort.patients.map((p) => ({ name: p.key, resources: plan(p.resources) })),
  ];
}

/** Consecutive slices of at most `size` (dependency order is kept across slices). */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + size));
  return out;
}

export interface TransactionEntryPlan {
  key: string;
  resourceType: string;
}

/**
 * One transaction Bundle of conditional creates. References to entries of the
 * same Bundle become their urn:uuid fullUrl; references to resources already
 * on the server become `Type/<server id>` from `resolved`.
 */
export function transactionFor(
  items: PlannedResource[],
  resolved: ReadonlyMap<string, string>,
): { bundle: Record<string, unknown>; entries: TransactionEntryPlan[] } {
  const urns = new Map(items.map((i) => [i.key, `urn:uuid:${randomUUID()}`]));
  const map = (ref: string): string | undefined => urns.get(ref) ?? resolved.get(ref);
  const entry = items.map((item) => {
    const resource = rewriteReferences(item.resource, map) as FhirResource;
    const { id: fixtureId = '' } = resource;
    delete resource.id;
    return {
      fullUrl: urns.get(item.key),
      resource,
      request: {
        method: 'POST',
        url: resource.resourceType,
        ifNoneExist: identifierQuery(fixtureId),
      },
    };
  });
  return {
    bundle: { resourceType: 'Bundle', type: 'transaction', entry },
    entries: items.map((i) => ({ key: i.key, resourceType: i.resource.resourceType })),
  };
}

/** A single resource for a conditional create outside a transaction. */
export function singleCreate(
  item: PlannedResource,
  resolved: ReadonlyMap<string, string>,
): { resource: FhirResource; ifNoneExist: string } {
  const resource = rewriteReferences(item.resource, (ref) => resolved.get(ref)) as FhirResource;
  const fixtureId = resource.id ?? '';
  delete resource.id;
  return { resource, ifNoneExist: identifierQuery(fixtureId) };
}

/**
 * The server id in a Location / response.location: absolute or relative,
 * with or without `/_history/n`.
 */
export function idFromLocation(
  location: string | undefined,
  resourceType: string,
): string | undefined {
  if (!location) return undefined;
  const m = new RegExp(
    `(?:^|/)${resourceType}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?/?$`,
  ).exec(location.split('?')[0] ?? '');
  return m?.[1];
}
