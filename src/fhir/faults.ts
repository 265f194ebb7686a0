/**
 * Named faults of a FHIR answer, finer than an error's kind, each with the
 * words a person is shown: a timed-out or cut-short answer is not "could not
 * be reached", and a web page labelled JSON is not "an error on the EHR".
 */

export type FaultReason =
  /** No answer within the request timeout; the app stopped waiting. */
  | 'timeout'
  /** The answer ended before it was complete (JSON ends early, connection dropped mid-body). */
  | 'cut-short'
  /** The answer is not FHIR JSON (an HTML sign-in or error page, plain text). */
  | 'not-fhir'
  /** HTTP 200 with an OperationOutcome where data was expected. */
  | 'outcome'
  /** A link or redirect pointed outside the FHIR server; it was not followed. */
  | 'off-server'
  /** The server redirected and the browser does not say where to; not followed. */
  | 'redirect'
  /** 429/503 with a Retry-After longer than the app waits on its own. */
  | 'busy';

/** How long the app waits for one FHIR answer (configurable: smart-config.json `requestTimeoutSeconds`). */
export const REQUEST_TIMEOUT_MS = 20_000;
/** The longest Retry-After the app honours by waiting and retrying by itself; longer ones are said. */
export const MAX_RETRY_AFTER_MS = 10_000;
/** Server text quoted to a person is cut to this length. */
const QUOTE_MAX = 200;

/** Words for a fault, or undefined when the error has no named fault. */
export function describeFault(error: {
  fault?: FaultReason;
  message: string;
  retryAfterMs?: number;
}): string | undefined {
  switch (error.fault) {
    case undefined:
      // A write is never retried by the app; when the server said how long to wait, say it.
      return error.retryAfterMs !== undefined
        ? `The EHR is busy and asked the app to wait ${seconds(error.retryAfterMs)}. Try again after that.`
        : undefined;
    case 'busy':
      return `The EHR is busy and asked the app to wait ${seconds(error.retryAfterMs ?? 0)}. Try again after that.`;
    default:
      // These messages are written for people where the fault is found.
      return error.message;
  }
}

export function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return `${s} second${s === 1 ? '' : 's'}`;
}

export function timeoutMessage(timeoutMs: number): string {
  return `The EHR did not answer within ${seconds(timeoutMs)}, so the app stopped waiting. Try again in a moment.`;
}

export const CUT_SHORT_MESSAGE =
  'The EHR’s answer was cut short before it was complete, so none of it was used. Try again.';
export const NOT_FHIR_MESSAGE =
  'The EHR answered with something that is not FHIR data (it looked like a web page, often a sign-in or error page from a network proxy). Nothing from it was used.';
export const OFF_SERVER_MESSAGE =
  'The EHR linked to an address outside itself; the app did not follow it, so the session’s access stays with the EHR.';
export const REDIRECT_MESSAGE =
  'The EHR redirected the request; the app does not follow redirects it cannot check, so nothing was read.';

export function outcomeMessage(diagnostics: string | undefined): string {
  return diagnostics
    ? `The EHR answered with a message instead of data: “${quote(diagnostics)}”.`
    : 'The EHR answered with a message instead of data.';
}

/** Server text, cut to a readable length and stripped of control characters. */
export function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > QUOTE_MAX ? `${clean.slice(0, QUOTE_MAX - 1)}…` : clean;
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns ms
 * from `now`, or undefined when absent or unreadable (an HTTP-date with no
 * clock to count from is unreadable).
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number | undefined,
): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) && now !== undefined ? Math.max(0, at - now) : undefined;
}

/**
 * A JSON parse failure: the answer ended early (cut short) or was not JSON at
 * all. Engines word it differently (V8 "Unexpected end of JSON input",
 * Firefox "unexpected end of data", Safari "Unexpected EOF").
 */
export function isCutShortJson(e: unknown): boolean {
  return (
    e instanceof SyntaxError &&
    /end of (JSON )?(input|data)|unexpected EOF|unterminated/i.test(e.message)
  );
}

/** The diagnostics of an OperationOutcome-shaped body, joined. */
export function outcomeText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const issues = (body as { issue?: unknown }).issue;
  if (!Array.isArray(issues)) return undefined;
  const texts = issues
    .map((i: unknown) => {
      if (!i || typeof i !== 'object') return undefined;
      const issue = i as { diagnostics?: unknown; details?: { text?: unknown } };
      const t = typeof issue.diagnostics === 'string' ? issue.diagnostics : issue.details?.text;
      return typeof t === 'string' ? t : undefined;
    })
    .filter((t): t is string => Boolean(t));
  return texts.length ? texts.join('; ') : undefined;
}
