import type Client from 'fhirclient/lib/Client';
import { oauthErrorFromMessage } from '../smart/oauthErrors';
import { FhirError, kindForStatus } from './errors';
import { OFF_SERVER_MESSAGE, REQUEST_TIMEOUT_MS } from './faults';
import { faultOfAnswer, faultOfThrown, isRedirect, retryAfterOf } from './answers';
import { realTimer, startDeadline, type Timer } from './timeout';
import { resolveOnServer } from './url';

export interface FhirRequest {
  /** Relative to the FHIR base, or absolute (paging links). */
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: unknown;
  /** The caller's cancellation (react-query's), on top of the request timeout. */
  signal?: AbortSignal;
}

export interface FhirResponse {
  status: number;
  etag?: string;
  location?: string;
  body: unknown;
}

/** Sends one request; throws FhirError on any failure. */
export type Transport = (request: FhirRequest) => Promise<FhirResponse>;

export interface TransportOptions {
  /** How long to wait for one answer, body included (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Injected in tests, which fire timeouts themselves. */
  timer?: Timer;
  /** The app's clock (features/session/clock.ts), to read a Retry-After given as a date. */
  now?: () => Date;
}

/** Same-server redirects followed for a read (the browser hides where a redirect goes; see answers.ts). */
const MAX_REDIRECTS = 3;

/**
 * The production transport: fhirclient's `request`, which adds the access
 * token (a 401 ends fhirclient's session: the person relaunches). The app
 * never reads or stores the token itself. The refresh fhirclient does when
 * `expires_in` says the token has expired is asked for first, on its own, so
 * that a refused refresh (400/401/403 from the token endpoint, e.g.
 * `invalid_grant`) is reported as what it is — the session has ended — and
 * never as a FHIR answer such as "not allowed with the permissions granted".
 */
export function fhirclientTransport(client: Client, options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return async ({ url, method = 'GET', headers = {}, body, signal }) => {
    const serverUrl = client.state.serverUrl;
    // fhirclient attaches the access token to any absolute URL it is given:
    // only the URL as the browser will parse it, and only below the FHIR base.
    let target = resolveOnServer(url, serverUrl);
    if (!target) throw offServer();
    const deadline = startDeadline(timeoutMs, options.timer ?? realTimer, signal);
    try {
      try {
        await client.refreshIfNeeded({ signal: deadline.signal });
      } catch (e) {
        // Stopped waiting (the deadline, or the caller) is not a refused refresh: the catch below names it.
        throw deadline.signal.aborted ? e : refreshFailure(e);
      }
      for (let hop = 0; ; hop++) {
        try {
          const result = await client.request(
            {
              url: target,
              method,
              headers: {
                Accept: 'application/fhir+json',
                ...(body === undefined
                  ? {}
                  : {
                      'Content-Type': 'application/fhir+json',
                      // A body back, so fhirclient never fetches a Location it was not asked to check.
                      Prefer: 'return=representation',
                    }),
                ...headers,
              },
              body: body === undefined ? undefined : JSON.stringify(body),
              includeResponse: true,
              signal: deadline.signal,
              // Redirects are followed here, after the same check as any link.
              redirect: 'manual',
            },
            // Paging and references are followed by src/fhir/search.ts, not fhirclient.
            { graph: false, pageLimit: 1 },
          );
          const response = result.response;
          const bad = faultOfAnswer(result.body, response.status);
          if (bad) throw bad;
          return {
            status: response.status,
            etag: response.headers.get('ETag') ?? undefined,
            location:
              response.headers.get('Location') ??
              response.headers.get('Content-Location') ??
              undefined,
            body: result.body,
          };
        } catch (e) {
          const location = isRedirect(e);
          if (location === undefined) throw e;
          if (method !== 'GET' || hop >= MAX_REDIRECTS) throw await toFhirError(e, options.now);
          target = resolveOnServer(location, serverUrl, target);
          if (!target) throw offServer();
        }
      }
    } catch (e) {
      throw faultOfThrown(e, deadline.timedOut, timeoutMs) ?? (await toFhirError(e, options.now));
    } finally {
      deadline.done();
    }
  };
}

function offServer(): FhirError {
  return new FhirError('invalid-data', OFF_SERVER_MESSAGE, undefined, undefined, {
    fault: 'off-server',
  });
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
    { oauthError: oauthErrorFromMessage(message) },
  );
}

async function toFhirError(e: unknown, now?: () => Date): Promise<FhirError> {
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
  const retryAfterMs = retryAfterOf(e, now?.().getTime());
  return new FhirError(
    kindForStatus(status),
    `The FHIR server answered ${status}.`,
    status,
    outcome,
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );
}

/** Kept for callers of the old name: the check now lives in url.ts. */
export { isOnServer } from './url';
