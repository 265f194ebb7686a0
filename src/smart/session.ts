import FHIR from 'fhirclient';
import { configureFhirclient } from './fhirclientSettings';
import type Client from 'fhirclient/lib/Client';

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

export class LaunchError extends Error {
  constructor(
    readonly kind: 'no-launch' | 'auth-failed' | 'no-patient',
    message: string,
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
  configureFhirclient();
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/No 'state' parameter|No state found|state/i.test(message) && !location.search) {
      throw new LaunchError('no-launch', 'This page was opened without a SMART launch.');
    }
    throw new LaunchError('auth-failed', message);
  }
  return sessionFromClient(client);
}
