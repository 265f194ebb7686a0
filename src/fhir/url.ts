/**
 * Where a URL the app is about to follow really goes. Paging links,
 * references and redirects come from the server's answers; fhirclient sends
 * the session's access token with any absolute URL it is given, and the
 * browser's URL parser forgives a great deal (a tab or newline inside the
 * scheme, backslashes for slashes, a leading space, `user@host`). So every
 * URL is resolved here with that same parser (WHATWG URL) against the FHIR
 * base, and only the resolved URL is ever requested, and only when its
 * origin and path prefix are the server's.
 */

/** The FHIR base as a URL whose path ends in "/", so relative URLs resolve below it. */
function baseOf(serverUrl: string): URL {
  const base = new URL(serverUrl);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  base.search = '';
  base.hash = '';
  return base;
}

/**
 * The absolute URL to request for `url` (relative to the FHIR base, or
 * absolute), or undefined when it resolves anywhere but below the base:
 * another origin (scheme, host, port), credentials in the URL, a path that
 * climbs out of the base (`..`, `%2e%2e`), or not http(s) at all.
 */
export function resolveOnServer(
  url: unknown,
  serverUrl: string,
  /** Resolve against this URL instead of the base (a redirect's Location, against the request's URL). */
  relativeTo?: string,
): string | undefined {
  if (typeof url !== 'string') return undefined;
  let base: URL;
  let target: URL;
  try {
    base = baseOf(serverUrl);
    target = new URL(url, relativeTo ?? base);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return undefined;
  if (target.origin !== base.origin) return undefined;
  if (target.username || target.password) return undefined;
  const path = target.pathname;
  if (!path.startsWith(base.pathname) && `${path}/` !== base.pathname) return undefined;
  target.hash = '';
  return target.href;
}

/** Whether `url` resolves below the FHIR base (see resolveOnServer). */
export function isOnServer(url: unknown, serverUrl: string): boolean {
  return resolveOnServer(url, serverUrl) !== undefined;
}

/** FHIR's id rule (R4 §2.1.0.4 `id`): 1–64 of A–Z a–z 0–9 - . — and never a dot segment. */
export function isFhirId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(id) && id !== '.' && id !== '..';
}
