import FHIR from 'fhirclient';
import type { fhirclient } from 'fhirclient/lib/types';
import { configureFhirclient } from './fhirclientSettings';
import { findIssuer, type AppConfig, type IssuerConfig } from '../config/schema';
import { scopesFor, type LaunchProfile, type ScopeSyntax } from './scopes';

export type LaunchPlan =
  | {
      ok: true;
      issuer: IssuerConfig;
      launch?: string;
      profile: LaunchProfile;
    }
  | { ok: false; reason: 'unknown-issuer' | 'missing-issuer'; iss?: string };

/**
 * Decides, from launch.html's query and the configuration, whether to start an
 * authorization. Only a configured issuer is ever contacted: an unknown `iss`
 * is how a malicious link would steer the app (and its PKCE verifier) to a
 * server of its choosing.
 */
export function planLaunch(config: AppConfig, search: string): LaunchPlan {
  const params = new URLSearchParams(search);
  const iss = params.get('iss') ?? undefined;
  const launch = params.get('launch') ?? undefined;
  const profile: LaunchProfile = params.get('profile') === 'worklist' ? 'worklist' : 'chart';
  const requestedIss = iss ?? (launch ? undefined : config.defaultStandaloneIss);
  if (!requestedIss) return { ok: false, reason: 'missing-issuer' };
  const issuer = findIssuer(config, requestedIss);
  if (!issuer) return { ok: false, reason: 'unknown-issuer', iss: requestedIss };
  return { ok: true, issuer, launch, profile };
}

/** The only launch parameters the app takes from its URL. */
const LAUNCH_PARAMS = ['iss', 'launch', 'profile'] as const;

/**
 * The launch URL's query with everything but iss, launch and profile removed.
 * fhirclient reads `clientId`, `patientId` and `fhirServiceUrl` from the page
 * URL and prefers them to the app's own options, so a crafted link could
 * choose the client registration or a patient; the app must never let it.
 */
export function sanitisedLaunchQuery(search: string): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const name of LAUNCH_PARAMS) {
    const value = params.get(name);
    if (value !== null) kept.set(name, value);
  }
  const query = kept.toString();
  return query ? `?${query}` : '';
}

/** Reads the server's SMART configuration to pick v2 or v1 scope syntax. */
export async function detectScopeSyntax(
  issuer: IssuerConfig,
  fetchImpl: typeof fetch = fetch,
): Promise<ScopeSyntax> {
  if (issuer.scopeSyntax !== 'auto') return issuer.scopeSyntax;
  try {
    const url = `${issuer.iss.replace(/\/+$/, '')}/.well-known/smart-configuration`;
    const res = await fetchImpl(url, { headers: { Accept: 'application/json' } });
    if (!res.ok) return 'v1';
    const body = (await res.json()) as { capabilities?: unknown };
    const caps = Array.isArray(body.capabilities) ? body.capabilities : [];
    return caps.includes('permission-v2') ? 'v2' : 'v1';
  } catch {
    // v1 scopes are understood by v2 servers too; the safer default.
    return 'v1';
  }
}

/**
 * fhirclient's authorize options for a plan. fhirclient also re-reads the
 * page URL, so the URL is first left with only what planLaunch accepted.
 */
export function authorizeOptions(
  plan: Extract<LaunchPlan, { ok: true }>,
  config: AppConfig,
  syntax: ScopeSyntax,
): fhirclient.AuthorizeParams {
  const query = sanitisedLaunchQuery(window.location.search);
  if (query !== window.location.search) {
    window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  }
  return {
    iss: plan.issuer.iss,
    launch: plan.launch,
    clientId: plan.issuer.clientId,
    scope: scopesFor(plan.profile, Boolean(plan.launch), syntax),
    redirectUri: new URL(config.redirectPath, window.location.href).href,
    pkceMode: 'required',
  };
}

/** Starts the SMART authorization (redirects the window). */
export async function authorize(
  plan: Extract<LaunchPlan, { ok: true }>,
  config: AppConfig,
  syntax: ScopeSyntax,
): Promise<void> {
  const options = authorizeOptions(plan, config, syntax);
  configureFhirclient();
  await FHIR.oauth2.authorize(options);
}
