/**
 * Test helper: runs a real SMART authorization-code + PKCE flow against a
 * running sandbox with fetch (following redirects by hand, keeping cookies),
 * so other suites can get tokens in one call:
 *
 *   const token = await authorizeForTest(sandbox, { user: 'dr-okafor', patient: 'alex-rivera', scope: 'launch openid fhirUser patient/*.rs' });
 *   await fetch(`${sandbox.fhirBase}/Patient/alex-rivera`, { headers: { Authorization: `Bearer ${token.access_token}` } });
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sandbox } from './index';

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  patient?: string;
  encounter?: string;
  need_patient_banner?: boolean;
  smart_style_url?: string;
}

export interface AuthorizeForTestOptions {
  user: string;
  patient?: string;
  /** Default 'launch openid fhirUser offline_access user/*.cruds patient/*.rs'. */
  scope?: string;
  needPatientBanner?: boolean;
  /** Standalone launch (no `launch`; the user/patient are picked on the sign-in page). */
  standalone?: boolean;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** Minimal cookie jar: the sandbox is a single host, so name=value is enough. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const idx = pair?.indexOf('=') ?? -1;
      if (pair && idx > 0) this.cookies.set(pair.slice(0, idx).trim(), pair.slice(idx + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface FlowResult {
  /** The last response (a redirect to the app's redirect_uri, or an error page). */
  response: Response;
  /** Set when the flow ended at the redirect URI. */
  redirectedTo?: URL;
  jar: CookieJar;
}

/**
 * Follows redirects manually from an authorization URL until they leave the
 * sandbox (the app's redirect URI) or a non-redirect answer arrives.
 * If `pick` is given and a sign-in picker appears, it is submitted with it.
 */
export async function followAuthorization(
  sandbox: Sandbox,
  start: string,
  pick?: { user: string; patient?: string },
  jar = new CookieJar(),
): Promise<FlowResult> {
  let next: string | undefined = start;
  let init: RequestInit = {};
  for (let hops = 0; hops < 15 && next; hops++) {
    const target: URL = new URL(next, sandbox.url);
    if (target.origin !== new URL(sandbox.url).origin) {
      return {
        response: new Response(null, { status: 302, headers: { Location: target.toString() } }),
        redirectedTo: target,
        jar,
      };
    }
    const res: Response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
    });
    jar.store(res);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, target).toString();
      continue;
    }
    if (res.status === 200 && pick && target.pathname.startsWith('/auth/interaction/')) {
      const form = new URLSearchParams({
        user: pick.user,
        ...(pick.patient ? { patient: pick.patient } : {}),
      });
      init = {
        method: 'POST',
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      };
      next = target.toString();
      pick = undefined;
      continue;
    }
    return { response: res, jar };
  }
  throw new Error('Too many redirects in the authorization flow');
}

export function authorizeUrl(sandbox: Sandbox, params: Record<string, string | undefined>): string {
  const u = new URL(`${sandbox.issuer}/auth`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export async function exchangeCode(
  sandbox: Sandbox,
  code: string,
  verifier: string,
  redirectUri = sandbox.redirectUris[0] as string,
): Promise<Response> {
  return fetch(`${sandbox.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: sandbox.clientId,
      code_verifier: verifier,
    }).toString(),
  });
}

export async function refreshToken(sandbox: Sandbox, refresh: string): Promise<Response> {
  return fetch(`${sandbox.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: sandbox.clientId,
    }).toString(),
  });
}

/** Full EHR (or standalone) launch → token response. Throws with the reason if any step fails. */
export async function authorizeForTest(
  sandbox: Sandbox,
  opts: AuthorizeForTestOptions,
): Promise<TokenResponse> {
  const scope = opts.scope ?? 'launch openid fhirUser offline_access user/*.cruds patient/*.rs';
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const redirectUri = sandbox.redirectUris[0] as string;
  const launch = opts.standalone
    ? undefined
    : sandbox.createLaunch({
        user: opts.user,
        ...(opts.patient ? { patient: opts.patient } : {}),
        ...(opts.needPatientBanner !== undefined
          ? { needPatientBanner: opts.needPatientBanner }
          : {}),
      });
  const start = authorizeUrl(sandbox, {
    response_type: 'code',
    client_id: sandbox.clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    aud: sandbox.fhirBase,
    launch,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const flow = await followAuthorization(
    sandbox,
    start,
    opts.standalone
      ? { user: opts.user, ...(opts.patient ? { patient: opts.patient } : {}) }
      : undefined,
  );
  const back = flow.redirectedTo;
  if (!back)
    throw new Error(`Authorization did not redirect back (status ${flow.response.status})`);
  if (back.searchParams.get('error'))
    throw new Error(
      `Authorization error: ${back.searchParams.get('error')} ${back.searchParams.get('error_description') ?? ''}`,
    );
  if (back.searchParams.get('state') !== state) throw new Error('State mismatch');
  const code = back.searchParams.get('code');
  if (!code) throw new Error('No code in redirect');
  const res = await exchangeCode(sandbox, code, verifier, redirectUri);
  const body = (await res.json()) as TokenResponse & { error?: string; error_description?: string };
  if (!res.ok)
    throw new Error(`Token error: ${body.error ?? res.status} ${body.error_description ?? ''}`);
  return body;
}

/** fetch against the sandbox FHIR base with a bearer token. */
export function fhirFetch(
  sandbox: Sandbox,
  token: string | undefined,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const url = path.startsWith('http') ? path : `${sandbox.fhirBase}/${path.replace(/^\//, '')}`;
  return fetch(url, {
    ...init,
    headers: {
      accept: 'application/fhir+json',
      ...(init.body ? { 'content-type': 'application/fhir+json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/** Decodes a JWT payload (test use only: id_token claims). */
export function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
