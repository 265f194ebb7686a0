/**
 * Issuer patterns: an allowed FHIR base with one variable path segment, for
 * servers whose address changes with each choice of options. The SMART App
 * Launcher (behind the public SMART sandbox) encodes its launch options in the
 * path of a standalone launch's FHIR base:
 *
 *   https://launch.smarthealthit.org/v/r4/sim/{options}/fhir
 *
 * Everything but the one declared segment is matched exactly (scheme, host,
 * port, every other segment), and the segment may hold only the launcher's
 * URL-safe characters (base64url: A–Z a–z 0–9 - _), so a look-alike host, an
 * extra segment, an encoded slash or a dot segment can never pass.
 */

/** `{name}` in a pattern: the one variable segment. */
const PLACEHOLDER = /\{[a-z][a-z0-9_]*\}/gi;
/** What the variable segment may hold. */
const SEGMENT = /^[A-Za-z0-9_-]{1,2048}$/;

export interface IssuerPattern {
  /** Everything before the variable segment, ending in '/'. */
  prefix: string;
  /** Everything after it ('' or starting with '/'), without a trailing slash. */
  suffix: string;
}

/** Parses a pattern, or says what is wrong with it (for the configuration's error page). */
export function parseIssuerPattern(
  pattern: string,
): { ok: true; pattern: IssuerPattern } | { ok: false; problem: string } {
  const text = pattern.trim().replace(/\/+$/, '');
  const placeholders = text.match(PLACEHOLDER) ?? [];
  if (/[%\\\s]/.test(text)) {
    return { ok: false, problem: 'must not hold %-encodings, backslashes or spaces' };
  }
  if (placeholders.length !== 1) {
    return { ok: false, problem: 'must have exactly one {segment} placeholder, e.g. {options}' };
  }
  const at = text.search(PLACEHOLDER);
  const prefix = text.slice(0, at);
  const suffix = text.slice(at + (placeholders[0] as string).length);
  if (!prefix.endsWith('/') || !(suffix === '' || suffix.startsWith('/'))) {
    return { ok: false, problem: 'the placeholder must be a whole path segment (…/{options}/…)' };
  }
  let url: URL;
  try {
    url = new URL(`${prefix}x${suffix}`);
  } catch {
    return { ok: false, problem: 'is not a URL once the placeholder is filled in' };
  }
  // The placeholder must sit in the path, after scheme, host and port.
  if (!prefix.startsWith(`${url.origin}/`)) {
    return { ok: false, problem: 'the placeholder must be in the path, not the host or port' };
  }
  if (url.search || url.hash || url.username || url.password) {
    return { ok: false, problem: 'must not have a query, fragment or user name' };
  }
  // Written as a browser would: no dot segments, encodings or case that change the address.
  if (url.href.replace(/\/+$/, '') !== `${prefix}x${suffix}`) {
    return {
      ok: false,
      problem:
        'must be written in its plain form (no dot segments, %-encodings or upper-case host)',
    };
  }
  return { ok: true, pattern: { prefix, suffix } };
}

/**
 * Whether a launch's `iss` is this pattern with a launcher-style segment.
 * Compared as text, like exact issuers (a trailing slash does not matter).
 */
export function matchesIssuerPattern(pattern: IssuerPattern, iss: string): boolean {
  const candidate = iss.trim().replace(/\/+$/, '');
  const { prefix, suffix } = pattern;
  if (candidate.length <= prefix.length + suffix.length) return false;
  if (!candidate.startsWith(prefix) || !candidate.endsWith(suffix)) return false;
  const segment = candidate.slice(prefix.length, candidate.length - suffix.length);
  return SEGMENT.test(segment);
}
