import { describeFault, type FaultReason } from './faults';

/** One error type for every FHIR failure, with a kind the UI can act on. */
export type FhirErrorKind =
  | 'auth' // 401, or the EHR refused to renew the token: the session has ended
  | 'forbidden' // 403: scope or policy
  | 'not-found'
  | 'conflict' // 409 / 412: someone else changed it
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'invalid-data';

export class FhirError extends Error {
  /** What exactly went wrong, where the kind alone is too coarse (see faults.ts). */
  readonly fault?: FaultReason;
  /** The server's Retry-After (429/503), in ms. */
  readonly retryAfterMs?: number;
  /** For 'auth': the OAuth error code (RFC 6749 list only) the token endpoint answered. */
  readonly oauthError?: string;

  constructor(
    readonly kind: FhirErrorKind,
    message: string,
    readonly status?: number,
    /** The OperationOutcome's diagnostics, when the server sent one. */
    readonly outcome?: string,
    detail: { fault?: FaultReason; retryAfterMs?: number; oauthError?: string } = {},
  ) {
    super(message);
    this.name = 'FhirError';
    if (detail.fault) this.fault = detail.fault;
    if (detail.retryAfterMs !== undefined) this.retryAfterMs = detail.retryAfterMs;
    if (detail.oauthError) this.oauthError = detail.oauthError;
  }

  /** Idempotent reads may be retried on these (a timed-out request is not: it would only wait again). */
  get transient(): boolean {
    if (this.fault === 'timeout') return false;
    return this.kind === 'network' || this.kind === 'rate-limited' || this.kind === 'server';
  }
}

export function kindForStatus(status: number): FhirErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'invalid-data';
}

/** Where the person opened the app from: where they must go to open it again. */
export type OpenedFrom = 'chart' | 'worklist';

/** What a person should be told, in plain words, for each kind. */
export function describeFhirError(error: FhirError, from: OpenedFrom = 'chart'): string {
  const specific = describeFault(error);
  if (specific) return specific;
  switch (error.kind) {
    case 'auth':
      return `Your session with the EHR has ended — open the app again from ${from === 'chart' ? 'the chart' : 'the EHR'}.${error.oauthError ? ` (The EHR answered ${error.oauthError}.)` : ''}`;
    case 'forbidden':
      return 'The EHR did not allow this request with the permissions granted to the app.';
    case 'not-found':
      return 'The record was not found on the EHR.';
    case 'conflict':
      return 'Someone else changed this record. Reload to see their change.';
    case 'rate-limited':
      return 'The EHR is busy. Try again in a moment.';
    case 'server':
      return 'The EHR had a problem answering. Try again in a moment.';
    case 'network':
      return 'The EHR could not be reached. Check the connection and try again.';
    case 'invalid-data':
      return 'The EHR sent something the app could not read.';
  }
}
