/**
 * OAuth 2.0 error codes (RFC 6749), for showing an integration team what the
 * EHR's authorization server said. Only codes from the RFC's own lists are
 * ever shown: `error` arrives in the app's URL, where anyone can write
 * anything, and `error_description` is never shown at all.
 */
export const OAUTH_ERROR_CODES = [
  // authorization endpoint, §4.1.2.1
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  // token endpoint, §5.2 (invalid_request, unauthorized_client and invalid_scope also)
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

const CODES = new Set<string>(OAUTH_ERROR_CODES);

/** The code itself when it is one of RFC 6749's; undefined for anything else. */
export function oauthErrorCode(value: unknown): OAuthErrorCode | undefined {
  return typeof value === 'string' && CODES.has(value) ? (value as OAuthErrorCode) : undefined;
}

/**
 * The code in an error thrown by fhirclient for a failed token request: its
 * message is "<status> <text>\nURL: <url>\n<error>: <error_description>".
 */
export function oauthErrorFromMessage(message: string | undefined): OAuthErrorCode | undefined {
  for (const line of (message ?? '').split('\n').slice(1)) {
    const code = oauthErrorCode(/^([a-z_]+)(?::|$)/.exec(line.trim())?.[1]);
    if (code) return code;
  }
  return undefined;
}

/** What each code means, in plain words. */
export const OAUTH_ERROR_WORDS: Record<OAuthErrorCode, string> = {
  invalid_request: 'the sign-in request was not accepted',
  unauthorized_client: 'the app is not allowed to sign in this way',
  access_denied: 'access was not granted',
  unsupported_response_type: 'the server does not offer this kind of sign-in',
  invalid_scope: 'the permissions the app asked for were not accepted',
  server_error: 'the authorization server had a problem',
  temporarily_unavailable: 'the authorization server is busy or unavailable for now',
  invalid_client: 'the app’s registration (its client id) was not recognised',
  invalid_grant: 'the sign-in or the session is no longer valid',
  unsupported_grant_type: 'the server does not accept this kind of token request',
};
