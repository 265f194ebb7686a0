import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import { unexpectedBody } from './answers';
import { FhirError } from './errors';
import { MAX_RETRY_AFTER_MS } from './faults';
import { parseResource, type SchemaType } from './schemas';
import type { Transport } from './transport';

export interface SearchResult<T extends FhirResource> {
  /** Valid matches of the searched type. */
  resources: T[];
  /** Valid `_include`d resources, any type. */
  included: FhirResource[];
  /** Entries that failed their schema: reported, not fatal. */
  unreadable: Unreadable[];
  /** HTTP requests made, for the request-count figures. */
  requests: number;
  /** True when the search stopped before the last page: some matches were not loaded. */
  truncated: boolean;
  /** Why it stopped early: the page limit, a `next` link that loops, or one that leaves the server. */
  truncatedBy?: 'page-limit' | 'loop' | 'off-server';
  /** `Bundle.total` of the first page, when the server gave it. */
  total?: number;
  /** Entries that came twice (the same type and id on two pages, or twice on one): kept once. */
  duplicates: number;
}

export interface SearchOptions {
  /** Safety stop against a server whose `next` never ends. */
  maxPages?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

export interface RetryPolicy {
  attempts: number;
  delayMs: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /** The longest Retry-After honoured by waiting (default MAX_RETRY_AFTER_MS); longer ones fail, said. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delayMs: (n) => 250 * 3 ** (n - 1) };

/**
 * Reads every page of one search, checking each entry on its own. An entry
 * that comes twice (servers repeat entries across pages when data changes
 * while paging) is kept once, in its newest version: counted twice, one
 * prescription would double a dose.
 */
export async function searchAll<T extends FhirResource>(
  send: Transport,
  type: SchemaType,
  params: Record<string, string>,
  options: SearchOptions = {},
): Promise<SearchResult<T>> {
  const maxPages = options.maxPages ?? 50;
  const result: SearchResult<T> = {
    resources: [],
    included: [],
    unreadable: [],
    requests: 0,
    truncated: false,
    duplicates: 0,
  };
  const matches = new Keeper();
  const includes = new Keeper();
  let url: string | undefined = `${type}?${new URLSearchParams(params).toString()}`;
  const seen = new Set<string>();
  while (url) {
    const stop: SearchResult<T>['truncatedBy'] =
      result.requests >= maxPages ? 'page-limit' : seen.has(url) ? 'loop' : undefined;
    if (stop) {
      result.truncated = true;
      result.truncatedBy = stop;
      break;
    }
    seen.add(url);
    let response;
    try {
      const pageUrl: string = url;
      response = await withRetry(
        () => send({ url: pageUrl, ...(options.signal ? { signal: options.signal } : {}) }),
        options.retry ?? DEFAULT_RETRY,
      );
    } catch (e) {
      // A `next` link outside the server is not followed; what was read stays, said as partial.
      if (result.requests > 0 && e instanceof FhirError && e.fault === 'off-server') {
        result.truncated = true;
        result.truncatedBy = 'off-server';
        break;
      }
      throw e;
    }
    result.requests++;
    const bundle = response.body as Bundle | undefined;
    if (
      !bundle ||
      bundle.resourceType !== 'Bundle' ||
      (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    ) {
      throw unexpectedBody(bundle, response.status, `a Bundle (the search for ${type})`);
    }
    if (result.requests === 1 && typeof bundle.total === 'number') result.total = bundle.total;
    for (const entry of (bundle.entry ?? []) as (BundleEntry | null)[]) {
      if (!entry || typeof entry !== 'object') continue;
      const isInclude = entry.search?.mode === 'include';
      const parsed = parseResource(entry.resource, isInclude ? undefined : type);
      if (!parsed.ok) {
        // OperationOutcome entries (search warnings) are not data.
        if (entry.search?.mode !== 'outcome')
          result.unreadable.push({ reference: parsed.reference, reason: parsed.reason });
      } else if (isInclude) {
        includes.add(parsed.resource);
      } else if (!matches.add(parsed.resource)) {
        result.duplicates++;
      }
    }
    const links = Array.isArray(bundle.link) ? bundle.link : [];
    const next = links.find((l) => l?.relation === 'next')?.url;
    url = typeof next === 'string' && next !== '' ? next : undefined;
  }
  result.resources = matches.values() as T[];
  result.included = includes.values();
  return result;
}

/** One resource per type and id, in first-seen order, holding the newest version seen. */
class Keeper {
  private readonly byKey = new Map<string, FhirResource>();

  /** False when the key was already there (a duplicate). */
  add(resource: FhirResource): boolean {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    const had = this.byKey.get(key);
    if (!had) {
      this.byKey.set(key, resource);
      return true;
    }
    if (isNewer(resource, had)) this.byKey.set(key, resource);
    return false;
  }

  values(): FhirResource[] {
    return [...this.byKey.values()];
  }
}

/** Whether `a` is a later version than `b`: by numeric versionId, else by lastUpdated. */
export function isNewer(a: FhirResource, b: FhirResource): boolean {
  const va = Number(a.meta?.versionId);
  const vb = Number(b.meta?.versionId);
  if (a.meta?.versionId && b.meta?.versionId && Number.isFinite(va) && Number.isFinite(vb))
    return va > vb;
  const la = Date.parse(a.meta?.lastUpdated ?? '');
  const lb = Date.parse(b.meta?.lastUpdated ?? '');
  if (Number.isFinite(la) && Number.isFinite(lb)) return la > lb;
  return false;
}

/** Retries only what is safe to repeat; callers pass only idempotent reads. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxWait = policy.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const transient = e instanceof FhirError && e.transient;
      if (!transient) throw e;
      // The server said how long to wait: wait that long (within a bound), never less.
      const asked = e.retryAfterMs;
      if (asked !== undefined && (asked > maxWait || attempt >= policy.attempts)) throw busy(e);
      if (attempt >= policy.attempts) throw e;
      await sleep(asked ?? policy.delayMs(attempt));
    }
  }
}

/** The same failure, said as "the EHR asked the app to wait N seconds". */
function busy(e: FhirError): FhirError {
  return new FhirError(e.kind, e.message, e.status, e.outcome, {
    fault: 'busy',
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  });
}
