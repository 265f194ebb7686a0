import FHIR from 'fhirclient';
import type Client from 'fhirclient/lib/Client';
import { configureFhirclient } from './fhirclientSettings';
import { oauthErrorCode, oauthErrorFromMessage, type OAuthErrorCode } from './oauthErrors';
import { probeSessionStorage } from './storageProbe';

/** What the app knows after a completed launch. Tokens stay inside `client`. */
export interface Session {
  client: Client;
  serverUrl: string;
  patientId?: string;
  encounterId?: string;
  /** e.g. "Practitioner/dr-okafor", from the id_token's fhirUser claim. */
  fhirUser?: string;
  grantedScopes: string;
  needPatientBanner: boolean;
  /** Chart when the EHR gave a patient; the peer worklist otherwise. */
  profile: 'chart' | 'worklist';
}

/** How the app was launched: from inside the EHR (`launch` given) or standalone. */
export type LaunchStyle = 'ehr' | 'standalone';

/** What the failure page can say about a launch that did not complete. */
export interface LaunchFailureDetails {
  /** The OAuth `error` the authorization server sent back (RFC 6749 codes only). */
  oauthError?: OAuthErrorCode;
  /** Known when the launch's state survived (it names the scopes asked for). */
  style?: LaunchStyle;
  /** The FHIR server the launch went to, from the launch's state. */
  iss?: string;
}

export class LaunchError extends Error {
  constructor(
    readonly kind: 'no-launch' | 'auth-failed' | 'no-patient' | 'storage-blocked',
    message: string,
    readonly details: LaunchFailureDetails = {},
  ) {
    super(message);
  }
}

/** Pure: a Session from a completed client's state. */
export function sessionFromClient(client: Client): Session {
  const token = (client.state.tokenResponse ?? {}) as Record<string, unknown>;
  const patientId = client.getPatientId() ?? undefined;
  const grantedScopes = typeof token.scope === 'string' ? token.scope : (client.state.scope ?? '');
  return {
    client,
    serverUrl: client.state.serverUrl,
    patientId,
    encounterId: client.getEncounterId() ?? undefined,
    fhirUser: client.getFhirUser() ?? undefined,
    grantedScopes,
    // SMART: absent means the app should show its own banner.
    needPatientBanner: token.need_patient_banner !== false,
    // The chart needs a patient AND patient-level access; a worklist launch
    // that happens to carry a patient stays the worklist.
    profile: patientId && /(^|\s)patient\//.test(grantedScopes) ? 'chart' : 'worklist',
  };
}

let completing: Promise<Session> | undefined;

/**
 * Completes the launch on index.html. fhirclient exchanges the code (with the
 * PKCE verifier it kept in sessionStorage) and removes code/state from the URL.
 * One exchange per page load: an authorization code is single-use, and a second
 * exchange (React StrictMode runs effects twice) makes the server revoke the
 * tokens of the first.
 */
export function completeLaunch(): Promise<Session> {
  completing ??= exchangeCode();
  return completing;
}

async function exchangeCode(): Promise<Session> {
  const storage = probeSessionStorage();
  if (!storage.usable) {
    // The launch's state (PKCE verifier) cannot be read here, so nothing can complete.
    throw new LaunchError('storage-blocked', 'This browser does not let the app use storage here.');
  }
  configureFhirclient();
  const params = new URLSearchParams(location.search);
  const details = launchDetails(params.get('state'));
  // The authorization server said no: fhirclient would only throw its words.
  if (params.has('error')) {
    throw new LaunchError('auth-failed', 'The authorization server returned an error.', {
      ...details,
      ...withCode(oauthErrorCode(params.get('error'))),
    });
  }
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/No 'state' parameter|No state found|state/i.test(message) && !location.search) {
      throw new LaunchError('no-launch', 'This page was opened without a SMART launch.');
    }
    // e.g. the token endpoint answered 400 invalid_grant to the code exchange
    throw new LaunchError('auth-failed', message, {
      ...details,
      ...withCode(oauthErrorFromMessage(message)),
    });
  }
  return sessionFromClient(client);
}

const withCode = (code: OAuthErrorCode | undefined) => (code ? { oauthError: code } : {});

/**
 * The launch style and server, from the state fhirclient keeps under the
 * `state` key (it holds the scopes asked for: an EHR launch asks `launch`).
 * Only these two facts are read; tokens are never touched.
 */
export function launchDetails(
  stateKey: string | null,
  storage: Pick<Storage, 'getItem'> = sessionStorage,
): Pick<LaunchFailureDetails, 'style' | 'iss'> {
  if (!stateKey) return {};
  try {
    const state = JSON.parse(storage.getItem(stateKey) ?? 'null') as {
      scope?: unknown;
      serverUrl?: unknown;
    } | null;
    if (!state || typeof state.scope !== 'string') return {};
    return {
      style: state.scope.split(/\s+/).includes('launch') ? 'ehr' : 'standalone',
      ...(typeof state.serverUrl === 'string' ? { iss: state.serverUrl } : {}),
    };
  } catch {
    return {};
  }
}
