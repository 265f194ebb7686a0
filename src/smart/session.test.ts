import type Client from 'fhirclient/lib/Client';
import { describe, expect, it } from 'vitest';
import { launchDetails, sessionFromClient } from './session';

/** The parts of a ready fhirclient Client that a Session is made from. */
function client(
  token: Record<string, unknown>,
  fhirUser: string | null = 'Practitioner/dr-okafor',
): Client {
  return {
    state: {
      serverUrl: 'https://ehr.example.org/fhir',
      scope: 'requested scopes',
      tokenResponse: token,
    },
    getPatientId: () => (typeof token.patient === 'string' ? token.patient : null),
    getEncounterId: () => (typeof token.encounter === 'string' ? token.encounter : null),
    getFhirUser: () => fhirUser,
  } as unknown as Client;
}

describe('sessionFromClient', () => {
  it('takes patient, encounter, user and the granted scopes from the token response', () => {
    const s = sessionFromClient(
      client({
        access_token: 'x',
        patient: 'p1',
        encounter: 'e1',
        scope: 'launch patient/Task.crus',
        need_patient_banner: false,
      }),
    );
    expect(s).toMatchObject({
      serverUrl: 'https://ehr.example.org/fhir',
      patientId: 'p1',
      encounterId: 'e1',
      fhirUser: 'Practitioner/dr-okafor',
      grantedScopes: 'launch patient/Task.crus',
      needPatientBanner: false,
      profile: 'chart',
    });
  });

  it('shows its own banner unless the EHR says it shows one (absent means show)', () => {
    expect(sessionFromClient(client({ patient: 'p1' })).needPatientBanner).toBe(true);
    expect(
      sessionFromClient(client({ patient: 'p1', need_patient_banner: true })).needPatientBanner,
    ).toBe(true);
  });

  it('is the peer worklist when the EHR gives no patient', () => {
    const s = sessionFromClient(client({ scope: 'user/Task.rus' }, 'PractitionerRole/peer-1'));
    expect(s.profile).toBe('worklist');
    expect(s.patientId).toBeUndefined();
  });

  it('stays the worklist when a worklist launch carries a patient (no patient-level access)', () => {
    const s = sessionFromClient(
      client({ patient: 'p1', scope: 'launch openid fhirUser user/Task.rus user/Patient.r' }),
    );
    expect(s.profile).toBe('worklist');
  });

  it('falls back to the requested scopes when the server does not say what it granted', () => {
    expect(sessionFromClient(client({ patient: 'p1' })).grantedScopes).toBe('requested scopes');
  });
});

describe('launchDetails', () => {
  const storage = (value: unknown) => ({
    getItem: (key: string) => (key === 'k1' ? JSON.stringify(value) : null),
  });

  it('an EHR launch asked for the `launch` scope; a standalone one did not', () => {
    expect(
      launchDetails(
        'k1',
        storage({ scope: 'launch openid fhirUser patient/Patient.r', serverUrl: 'https://e/fhir' }),
      ),
    ).toEqual({ style: 'ehr', iss: 'https://e/fhir' });
    expect(
      launchDetails('k1', storage({ scope: 'launch/patient openid fhirUser patient/Patient.r' })),
    ).toEqual({ style: 'standalone' });
    expect(launchDetails('k1', storage({ scope: 'openid fhirUser user/Task.rus' }))).toEqual({
      style: 'standalone',
    });
  });

  it('knows nothing without a state key, a stored state, or a readable one', () => {
    expect(launchDetails(null, storage({ scope: 'launch' }))).toEqual({});
    expect(launchDetails('other', storage({ scope: 'launch' }))).toEqual({});
    expect(launchDetails('k1', { getItem: () => '{not json' })).toEqual({});
    expect(launchDetails('k1', storage({ scope: 42 }))).toEqual({});
  });
});
