/**
 * The sandbox loader's HTTP side: talks to any FHIR R4 server with fetch.
 * Reports counts per resource type and scenario keys only — never resource
 * contents (synthetic as they are, they look like patient data) and never the
 * token. OperationOutcome free text is not printed either: servers echo
 * element values in it.
 */
import type { Bundle, CapabilityStatement, FhirResource } from 'fhir/r4';
import type { Cohort } from '../../test/fixtures/cohort/index';
import {
  chunk,
  COHORT_SYSTEM,
  idFromLocation,
  planLoad,
  singleCreate,
  transactionFor,
  type LoadGroup,
  type PlannedResource,
} from './plan';

export type LoadErrorKind = 'auth' | 'forbidden' | 'network' | 'not-fhir' | 'server' | 'rejected';

export class LoadError extends Error {
  constructor(
    readonly kind: LoadErrorKind,
    message: string,
    /** What the person running the loader should do. */
    readonly advice: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LoadOptions {
  /** The FHIR base URL. */
  server: string;
  token?: string;
  dryRun?: boolean;
  /**
   * Entries per transaction. Default 8: Medplum-based servers refuse a
   * transaction with conditional creates of more than 8 entries, and smaller
   * transactions cost little (references to earlier ones use server ids).
   */
  maxEntries?: number;
  /**
   * Patient groups written at once after the shared practice resources.
   * Default 1: many servers serialise writes anyway, and one at a time keeps
   * the load gentle on shared sandboxes.
   */
  concurrency?: number;
  fetchImpl?: typeof fetch;
}

export interface TypeCounts {
  created: number;
  found: number;
}

export interface LoadReport {
  server: string;
  fhirVersion?: string;
  /** How resources were written: transactions, or one conditional create each. */
  mode: 'transaction' | 'one-by-one' | 'dry-run';
  scenarios: string[];
  /** Per resource type. In a dry run, `found` = already on the server, `created` = would be created. */
  counts: Record<string, TypeCounts>;
  requests: number;
  /** Fixture reference → server reference ("Patient/stable-buprenorphine" → "Patient/123"). Not printed. */
  resolved: Map<string, string>;
}

const RETRIES = 4;

interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function loadCohortInto(cohort: Cohort, opts: LoadOptions): Promise<LoadReport> {
  const base = opts.server.replace(/\/+$/, '');
  const fetchImpl = opts.fetchImpl ?? fetch;
  let requests = 0;

  const http = async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> => {
    let res: Response | undefined;
    let cause = '';
    // Every write is a conditional create, so repeating a request cannot
    // duplicate anything: transient failures (a keep-alive socket the server
    // closed, 429/502/503/504) are retried a few times.
    for (let attempt = 0; ; attempt++) {
      requests++;
      try {
        res = await fetchImpl(path === '' ? base : `${base}/${path}`, {
          method,
          headers: {
            Accept: 'application/fhir+json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }),
            ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        res = undefined;
        // e.g. ECONNREFUSED, ENOTFOUND, ECONNRESET: names the failure, carries no data.
        const code = (e as { cause?: { code?: unknown } }).cause?.code;
        cause = typeof code === 'string' ? code : 'fetch failed';
      }
      const transient = !res || [429, 502, 503, 504].includes(res.status);
      if (!transient || attempt >= RETRIES) break;
      await res?.body?.cancel();
      await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
    }
    if (!res) {
      throw new LoadError(
        'network',
        `Could not reach ${base} (${cause}).`,
        'Check the --server URL (the FHIR base, e.g. https://host/fhir or …/r4), your network or VPN, and that the server is running.',
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status === 401) {
      throw new LoadError(
        'auth',
        `The server refused the request: 401 (not signed in, or the token expired).`,
        opts.token
          ? 'Get a fresh access token (tokens are short-lived) and pass it with --token.'
          : 'This server needs an access token: pass one with --token (scopes allowing create and search of the cohort types, e.g. user/*.cruds or system/*.cruds).',
        401,
      );
    }
    if (res.status === 403) {
      throw new LoadError(
        'forbidden',
        `The server refused ${method === 'GET' ? 'to read' : 'to write'} (${path.split('?')[0] || 'transaction'}): 403.`,
        'The token is valid but its scopes or the account do not allow this. Ask for scopes that allow create and search of the cohort types (e.g. user/*.cruds), or use an account with write access.',
        403,
      );
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  // 1. What the server is and whether it takes transactions.
  const meta = await http('GET', 'metadata');
  const cs = meta.body as CapabilityStatement | undefined;
  if (meta.status >= 400 || cs?.resourceType !== 'CapabilityStatement') {
    throw new LoadError(
      'not-fhir',
      `${base}/metadata did not answer with a CapabilityStatement (status ${meta.status}).`,
      'Check that --server is the FHIR base URL (where /metadata lives), not the launcher or the web page.',
      meta.status,
    );
  }
  const rest = cs.rest?.find((r) => r.mode === 'server') ?? cs.rest?.[0];
  const transaction = (rest?.interaction ?? []).some((i) => i.code === 'transaction');

  const groups = planLoad(cohort);
  const report: LoadReport = {
    server: base,
    ...(cs.fhirVersion ? { fhirVersion: cs.fhirVersion } : {}),
    mode: opts.dryRun ? 'dry-run' : transaction ? 'transaction' : 'one-by-one',
    scenarios: cohort.patients.map((p) => p.key),
    counts: {},
    requests: 0,
    resolved: new Map(),
  };
  const count = (type: string, field: keyof TypeCounts, n = 1): void => {
    const c = (report.counts[type] ??= { created: 0, found: 0 });
    c[field] += n;
  };

  if (opts.dryRun) {
    // Read-only: how many cohort resources of each type are already there.
    const planned = new Map<string, number>();
    for (const g of groups)
      for (const r of g.resources)
        planned.set(r.resource.resourceType, (planned.get(r.resource.resourceType) ?? 0) + 1);
    for (const [type, total] of planned) {
      const res = await http(
        'GET',
        `${type}?identifier=${encodeURIComponent(`${COHORT_SYSTEM}|`)}&_summary=count`,
      );
      const found = (res.body as Bundle | undefined)?.total;
      const present = res.status === 200 && typeof found === 'number' ? Math.min(found, total) : 0;
      count(type, 'found', present);
      count(type, 'created', total - present);
    }
    report.requests = requests;
    return report;
  }

  const resolved = report.resolved;
  const writeGroup = async (group: LoadGroup): Promise<void> => {
    if (report.mode === 'transaction') {
      for (const slice of chunk(group.resources, opts.maxEntries ?? 8)) {
        await writeTransaction(slice);
      }
    } else {
      for (const item of group.resources) await writeOne(item);
    }
  };

  const writeTransaction = async (slice: PlannedResource[]): Promise<void> => {
    const { bundle, entries } = transactionFor(slice, resolved);
    const res = await http('POST', '', bundle);
    const out = res.body as Bundle | undefined;
    if (res.status >= 300 || out?.resourceType !== 'Bundle') throw rejected(res, 'transaction');
    entries.forEach((e, i) => {
      const response = out.entry?.[i]?.response;
      const status = Number.parseInt(response?.status ?? '', 10);
      const id =
        idFromLocation(response?.location, e.resourceType) ??
        (out.entry?.[i]?.resource as FhirResource | undefined)?.id;
      if (!(status >= 200 && status < 300) || !id) throw rejected(res, 'transaction entry');
      resolved.set(e.key, `${e.resourceType}/${id}`);
      count(e.resourceType, status === 201 ? 'created' : 'found');
    });
  };

  const writeOne = async (item: PlannedResource): Promise<void> => {
    const { resource, ifNoneExist } = singleCreate(item, resolved);
    const res = await http('POST', resource.resourceType, resource, {
      'If-None-Exist': ifNoneExist,
    });
    if (res.status >= 300) throw rejected(res, resource.resourceType);
    const id =
      (res.body as FhirResource | undefined)?.id ??
      idFromLocation(res.headers.get('Location') ?? undefined, resource.resourceType);
    if (!id) throw rejected(res, resource.resourceType);
    resolved.set(item.key, `${resource.resourceType}/${id}`);
    count(resource.resourceType, res.status === 201 ? 'created' : 'found');
  };

  // The practice first (patients reference its practitioners and medications).
  const [shared, ...patients] = groups;
  if (shared) await writeGroup(shared);
  const queue = [...patients];
  const workers = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, async () => {
    for (let g = queue.shift(); g; g = queue.shift()) await writeGroup(g);
  });
  await Promise.all(workers);
  report.requests = requests;
  return report;
}

/** A refusal described by status and OperationOutcome issue codes/paths (no free text). */
function rejected(res: HttpResult, what: string): LoadError {
  const oo = res.body as {
    resourceType?: string;
    issue?: { code?: string; expression?: string[] }[];
  };
  const issues =
    oo?.resourceType === 'OperationOutcome'
      ? (oo.issue ?? [])
          .map((i) => [i.code, ...(i.expression ?? [])].filter(Boolean).join(' at '))
          .filter(Boolean)
          .slice(0, 5)
          .join('; ')
      : '';
  return new LoadError(
    res.status >= 500 ? 'server' : 'rejected',
    `The server did not accept the ${what} (status ${res.status}${issues ? `: ${issues}` : ''}).`,
    res.status >= 500
      ? 'The server failed; try again later. Resources written so far stay, and a rerun finds them.'
      : 'The server may not support conditional create (If-None-Exist) or these resource types. Rerunning is safe: what was written is found, not duplicated.',
    res.status,
  );
}
