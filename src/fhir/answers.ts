/**
 * Reading what came back (or failed to): each named fault (faults.ts) is
 * recognised here, once, for every request the transport sends.
 */
import { FhirError } from './errors';
import {
  CUT_SHORT_MESSAGE,
  isCutShortJson,
  NOT_FHIR_MESSAGE,
  outcomeMessage,
  outcomeText,
  parseRetryAfter,
  REDIRECT_MESSAGE,
  timeoutMessage,
} from './faults';

interface WithResponse {
  status?: unknown;
  response?: { type?: string; status?: number; headers?: { get(name: string): string | null } };
}

const asResponseError = (e: unknown): WithResponse | undefined =>
  typeof e === 'object' && e !== null ? (e as WithResponse) : undefined;

/** A successful status whose body is not FHIR JSON (an HTML page labelled text/html, plain text). */
export function faultOfAnswer(body: unknown, status: number): FhirError | undefined {
  if (typeof body === 'string' && body.trim() !== '') {
    return new FhirError('invalid-data', NOT_FHIR_MESSAGE, status, undefined, {
      fault: 'not-fhir',
    });
  }
  return undefined;
}

/**
 * A failure thrown while sending or reading, as a named fault: the deadline
 * fired, the JSON ended early or was no JSON at all, the connection broke
 * mid-answer, or the browser hid a redirect. Undefined for anything else.
 */
export function faultOfThrown(
  e: unknown,
  timedOut: boolean,
  timeoutMs: number,
): FhirError | undefined {
  if (e instanceof FhirError) return undefined;
  if (timedOut) {
    return new FhirError('network', timeoutMessage(timeoutMs), undefined, undefined, {
      fault: 'timeout',
    });
  }
  if (asResponseError(e)?.response?.type === 'opaqueredirect') {
    return new FhirError('invalid-data', REDIRECT_MESSAGE, undefined, undefined, {
      fault: 'redirect',
    });
  }
  if (
    isCutShortJson(e) ||
    (e instanceof TypeError && /^(network error|terminated)$/i.test(e.message))
  ) {
    return new FhirError('network', CUT_SHORT_MESSAGE, undefined, undefined, {
      fault: 'cut-short',
    });
  }
  if (e instanceof SyntaxError) {
    return new FhirError('invalid-data', NOT_FHIR_MESSAGE, undefined, undefined, {
      fault: 'not-fhir',
    });
  }
  return undefined;
}

/** The Location of a 3xx the app may follow (outside a browser, which hides it), else undefined. */
export function isRedirect(e: unknown): string | undefined {
  const r = asResponseError(e);
  const status = Number(r?.status ?? r?.response?.status);
  if (!(status >= 300 && status < 400)) return undefined;
  return r?.response?.headers?.get('Location') ?? undefined;
}

/** Retry-After of a 429 or 503, in ms; `now` (from the app's clock) reads the HTTP-date form. */
export function retryAfterOf(e: unknown, now: number | undefined): number | undefined {
  const r = asResponseError(e);
  const status = Number(r?.status);
  if (status !== 429 && status !== 503) return undefined;
  return parseRetryAfter(r?.response?.headers?.get('Retry-After'), now);
}

/**
 * The error for an answer that is not the resource expected: an
 * OperationOutcome sent with 200, something that is not FHIR, or another type.
 */
export function unexpectedBody(body: unknown, status: number, expected: string): FhirError {
  const type =
    body && typeof body === 'object'
      ? (body as { resourceType?: unknown }).resourceType
      : undefined;
  if (type === 'OperationOutcome') {
    const text = outcomeText(body);
    return new FhirError('invalid-data', outcomeMessage(text), status, text, { fault: 'outcome' });
  }
  if (typeof type !== 'string') {
    return new FhirError('invalid-data', NOT_FHIR_MESSAGE, status, undefined, {
      fault: 'not-fhir',
    });
  }
  return new FhirError(
    'invalid-data',
    `The EHR answered with a ${type} where ${expected} was expected.`,
  );
}
