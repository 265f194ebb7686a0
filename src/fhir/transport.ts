import type Client from 'fhirclient/lib/Client';
import { oauthErrorFromMessage } from '../smart/oauthErrors';
import { FhirError, kindForStatus } from './errors';

export interface FhirRequest {
  /** Relative to the FHIR base, or absolute (paging links). */
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FhirResponse {
  status: number;
  etag?: string;
  location?: string;
  body: unknown;
}

/** Sends one request; throws FhirError on any failure. */
export type Transport = (request: FhirRequest) => Promise<FhirResponse>;

/**
 * The production transport: fhirclient's `request`, which adds the access
 * token (a 401 ends fhirclient's session: the person relaunches). The app
 * never reads or stores the token itself. The refresh fhirclient does when
 * `expires_in` says the token has expired is asked for first, on its own, so
 * that a refused refresh (400/401/403 from the token endpoint, e.g.
 * `invalid_grant`) is reported as what it is — the session has ended — and
 * never as a FHIR answer such as "not allowed with the permissions granted".
 */
export function fhirclientTransport(client: Client): Transport {
  return async ({ url, method = 'GET', headers = {}, body }) => {
    // fhirclient attaches the access token to any absolute URL it is given:
    // a paging link from a server must not carry it anywhere else.
    if (!isOnServer(url, client.state.serverUrl)) {
      throw new FhirError(
        'invalid-data',
        'The server linked outside itself; the link was not followed.',
      );
    }
    try {
      await client.refreshIfNeeded();
    } catch (e) {
      throw refreshFailure(e);
    }
    try {
      const result = await client.request(
        {
          url,
          method,
          headers: {
            Accept: 'application/fhir+json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          includeResponse: true,
        },
        // Paging and references are followed by src/fhir/search.ts, not fhirclient.
        { graph: false, pageLimit: 1 },
      );
      const response = result.response;
      return {
        status: response.status,
        etag: response.headers.get('ETag') ?? undefined,
        location:
          response.headers.get('Location') ?? response.headers.get('Content-Location') ?? undefined,
        body: result.body,
      };
    } catch (e) {
      throw await toFhirError(e);
    }
  };
}

/** A failed refresh: the token endpoint refused (the session ended), or could not be reached. */
export function refreshFailure(e: unknown): FhirError {
  const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : NaN;
  // fetch rejects with a TypeError when the server cannot be reached.
  if (e instanceof TypeError || status === 0) {
    return new FhirError('network', 'The EHR could not be reached to renew the session.');
  }
  // Anything else (an HTTP error, or fhirclient finding it cannot refresh) ends the session.
  const message = e instanceof Error ? e.message : undefined;
  return new FhirError(
    'auth',
    'The EHR did not renew the session.',
    Number.isFinite(status) ? status : undefined,
    undefined,
    oauthErrorFromMessage(message),
  );
}

async function toFhirError(e: unknown): Promise<FhirError> {
  if (e instanceof FhirError) return e;
  const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : NaN;
  if (!Number.isFinite(status) || status === 0) {
    return new FhirError('network', 'The FHIR server could not be reached.');
  }
  let outcome: string | undefined;
  const response = (e as { response?: Response }).response;
  try {
    const json = (await response?.clone().json()) as {
      issue?: { diagnostics?: string; details?: { text?: string } }[];
    };
    outcome =
      json.issue
        ?.map((i) => i.diagnostics ?? i.details?.text)
        .filter(Boolean)
        .join('; ') || undefined;
  } catch {
    // the body was not an OperationOutcome; the status says enough
  }
  return new FhirError(
    kindForStatus(status),
    `The FHIR server answered ${status}.`,
    status,
    outcome,
  );
}

/** Relative URLs, or absolute ones under the FHIR base (same origin, same path prefix). */
export function isOnServer(url: string, serverUrl: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return !url.startsWith('//');
  try {
    const target = new URL(url);
    const base = new URL(serverUrl.replace(/\/*$/, '/'));
    return target.origin === base.origin && `${target.pathname}/`.startsWith(base.pathname);
  } catch {
    return false;
  }
}
