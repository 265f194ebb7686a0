import type { Bundle, FhirResource } from 'fhir/r4';
import type { Unreadable } from '../domain/core';
import { FhirError } from './errors';
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
  /** True when the page limit stopped us before the last page. */
  truncated: boolean;
}

export interface SearchOptions {
  /** Safety stop against a server whose `next` never ends. */
  maxPages?: number;
  retry?: RetryPolicy;
}

export interface RetryPolicy {
  attempts: number;
  delayMs: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delayMs: (n) => 250 * 3 ** (n - 1) };

/** Reads every page of one search, checking each entry on its own. */
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
  };
  let url: string | undefined = `${type}?${new URLSearchParams(params).toString()}`;
  const seen = new Set<string>();
  while (url) {
    if (result.requests >= maxPages || seen.has(url)) {
      result.truncated = true;
      break;
    }
    seen.add(url);
    const response = await withRetry(
      () => send({ url: url as string }),
      options.retry ?? DEFAULT_RETRY,
    );
    result.requests++;
    const bundle = response.body as Bundle | undefined;
    if (!bundle || bundle.resourceType !== 'Bundle') {
      throw new FhirError('invalid-data', `The search for ${type} did not return a Bundle.`);
    }
    for (const entry of bundle.entry ?? []) {
      const isInclude = entry.search?.mode === 'include';
      const parsed = parseResource(entry.resource, isInclude ? undefined : type);
      if (!parsed.ok) {
        // OperationOutcome entries (search warnings) are not data.
        if (entry.search?.mode !== 'outcome')
          result.unreadable.push({ reference: parsed.reference, reason: parsed.reason });
      } else if (isInclude) {
        result.included.push(parsed.resource);
      } else {
        result.resources.push(parsed.resource as T);
      }
    }
    url = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return result;
}

/** Retries only what is safe to repeat; callers pass only idempotent reads. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const transient = e instanceof FhirError && e.transient;
      if (!transient || attempt >= policy.attempts) throw e;
      await sleep(policy.delayMs(attempt));
    }
  }
}
