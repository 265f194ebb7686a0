/**
 * The sandbox's strict switches, one by one: each makes the sandbox behave as
 * a real EHR does, and off it stays friendly. One sandbox; each test sets the
 * switches it needs (they are read per request).
 */
import type { Bundle, MedicationRequest, Resource } from 'fhir/r4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FRIENDLY, STRICT } from './behaviour';
import { startSandbox, type Sandbox } from './index';
import { miniCohort } from './miniCohort';
import {
  authorizeForTest,
  fhirFetch,
  jwtPayload,
  refreshToken,
  type TokenResponse,
} from './testClient';

const SCOPE = 'launch openid fhirUser online_access patient/*.rs user/*.cruds';

let sb: Sandbox;
let token: TokenResponse;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, cohort: miniCohort(new Date('2025-03-01T12:00:00Z')) });
  const extra = [
    // an unowned Task and a stopped order, beside the mini cohort's owned Tasks and active order
    {
      resourceType: 'Task',
      id: 'alex-task-unowned',
      status: 'requested',
      intent: 'order',
      for: { reference: 'Patient/alex-rivera' },
    },
    {
      resourceType: 'MedicationRequest',
      id: 'alex-mr-stopped',
      status: 'stopped',
      intent: 'order',
      subject: { reference: 'Patient/alex-rivera' },
      medicationCodeableConcept: { text: 'oxycodone 5 mg' },
    },
  ];
  for (const r of extra) await sb.fhir.load(r as unknown as Parameters<typeof sb.fhir.load>[0]);
  token = await authorizeForTest(sb, { user: 'dr-okafor', patient: 'alex-rivera', scope: SCOPE });
});
afterAll(async () => {
  await sb?.close();
});
beforeEach(() => sb.setBehaviour(FRIENDLY));

async function search<T extends Resource>(
  query: string,
): Promise<{ status: number; ids: string[] }> {
  const res = await fhirFetch(sb, token.access_token, query);
  const body = (await res.json()) as Bundle<T>;
  return { status: res.status, ids: (body.entry ?? []).map((e) => e.resource?.id ?? '') };
}

describe('strict switches of the sandbox', { timeout: 30_000 }, () => {
  it('bare-id reference searches match nothing when strict; typed ones match either way', async () => {
    expect((await search('Task?patient=alex-rivera')).ids).toContain('alex-task-1');
    expect((await search('PractitionerRole?practitioner=peer-sam')).ids).toEqual(['peer-sam-role']);
    sb.setBehaviour({ bareIdReferencesMatchNothing: true });
    expect((await search('Task?patient=alex-rivera')).ids).toEqual([]);
    expect((await search('PractitionerRole?practitioner=peer-sam')).ids).toEqual([]);
    expect((await search('PractitionerRole?practitioner=Practitioner/peer-sam')).ids).toEqual([
      'peer-sam-role',
    ]);
    expect((await search('Task?patient=Patient/alex-rivera')).ids).toContain('alex-task-1');
  });

  it('owner:missing filters to unowned Tasks, or nothing at all when the modifier is ignored', async () => {
    const unowned = await search('Task?patient=Patient/alex-rivera&owner:missing=true');
    expect(unowned.ids).toEqual(['alex-task-unowned']);
    sb.setBehaviour({ missingModifierIgnored: true });
    const ignored = await search('Task?patient=Patient/alex-rivera&owner:missing=true');
    expect(ignored.ids.sort()).toEqual(['alex-task-1', 'alex-task-unowned']);
  });

  it('a transaction failing part-way changes nothing, or keeps what it wrote when not atomic', async () => {
    const tx: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:0b4e6c1e-5c55-4a43-9a0b-2f7f4d9f8a01',
          resource: {
            resourceType: 'CarePlan',
            status: 'active',
            intent: 'plan',
            subject: { reference: 'Patient/alex-rivera' },
          },
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: {
            resourceType: 'Task',
            status: 'requested',
            intent: 'order',
            for: { reference: 'Patient/alex-rivera' },
          },
          request: { method: 'POST', url: 'Task' },
        },
      ],
    };
    const plans = async () => (await search('CarePlan?patient=Patient/alex-rivera')).ids.length;
    const post = () =>
      fhirFetch(sb, token.access_token, '', { method: 'POST', body: JSON.stringify(tx) });
    const before = await plans();
    sb.repository.failNextCreate('Task');
    expect((await post()).status).toBeGreaterThanOrEqual(400);
    expect(await plans()).toBe(before);

    sb.setBehaviour({ nonAtomicTransactions: true });
    sb.repository.failNextCreate('Task');
    expect((await post()).status).toBeGreaterThanOrEqual(400);
    expect(await plans()).toBe(before + 1);
  });

  it('Observation searches need a category or a code when strict', async () => {
    expect((await search('Observation?patient=Patient/alex-rivera')).status).toBe(200);
    sb.setBehaviour({ observationNeedsCategoryOrCode: true });
    const refused = await fhirFetch(
      sb,
      token.access_token,
      'Observation?patient=Patient/alex-rivera',
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/category or a code/);
    const withCategory = await search(
      'Observation?patient=Patient/alex-rivera&category=laboratory&_count=100',
    );
    expect(withCategory.status).toBe(200);
    expect(withCategory.ids).toHaveLength(25);
    expect(
      (await search('Observation?patient=Patient/alex-rivera&code=http://loinc.org|3426-4')).status,
    ).toBe(200);
  });

  it('MedicationRequest searches without status return only active orders when strict', async () => {
    expect(
      (await search<MedicationRequest>('MedicationRequest?patient=Patient/alex-rivera')).ids.sort(),
    ).toEqual(['alex-mr-1', 'alex-mr-stopped']);
    sb.setBehaviour({ medicationRequestActiveByDefault: true });
    expect((await search('MedicationRequest?patient=Patient/alex-rivera')).ids).toEqual([
      'alex-mr-1',
    ]);
    expect(
      (
        await search('MedicationRequest?patient=Patient/alex-rivera&status=active,stopped')
      ).ids.sort(),
    ).toEqual(['alex-mr-1', 'alex-mr-stopped']);
  });

  it('refresh is refused with invalid_grant (and CORS headers, so a browser can read why)', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: SCOPE,
    });
    expect(t.refresh_token).toBeTruthy();
    sb.setBehaviour({ refreshRefused: true });
    const res = await fetch(`${sb.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(sb.appLaunchUrl).origin,
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token as string,
        client_id: sb.clientId,
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(new URL(sb.appLaunchUrl).origin);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    // the access token already held still works until it expires
    expect((await fhirFetch(sb, t.access_token, 'Patient/alex-rivera')).status).toBe(200);
    sb.setBehaviour({ refreshRefused: false });
    const again = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: SCOPE,
    });
    expect((await refreshToken(sb, again.refresh_token as string)).status).toBe(200);
  });

  it('public clients get no refresh token when strict', async () => {
    sb.setBehaviour({ noRefreshTokenForPublicClients: true });
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: SCOPE,
    });
    expect(t.access_token).toBeTruthy();
    expect(t.refresh_token).toBeUndefined();
  });

  it('access tokens are signed JWTs when friendly and opaque strings when strict; both work', async () => {
    const jwt = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: SCOPE,
    });
    expect(jwt.access_token.split('.')).toHaveLength(3);
    expect(jwtPayload(jwt.access_token).exp).toEqual(expect.any(Number));
    expect((await fhirFetch(sb, jwt.access_token, 'Patient/alex-rivera')).status).toBe(200);
    // a token signed by anyone else, or tampered with, is refused
    const [h, p] = jwt.access_token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...jwtPayload(jwt.access_token), scope: 'user/*.cruds' })).toString('base64url')}.${jwt.access_token.split('.')[2]}`;
    expect((await fhirFetch(sb, forged, 'Patient/alex-rivera')).status).toBe(401);
    expect((await fhirFetch(sb, `${h}.${p}.`, 'Patient/alex-rivera')).status).toBe(401);

    sb.setBehaviour({ opaqueAccessTokens: true });
    const opaque = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: SCOPE,
    });
    expect(opaque.access_token).not.toContain('.');
    expect(opaque.expires_in).toBeGreaterThan(0);
    expect((await fhirFetch(sb, opaque.access_token, 'Patient/alex-rivera')).status).toBe(200);
    // the patient context holds for both formats (patient/ scopes stay in the compartment)
    const patientOnly = 'launch openid fhirUser patient/*.rs';
    for (const opaqueAccessTokens of [false, true]) {
      sb.setBehaviour({ opaqueAccessTokens });
      const t = await authorizeForTest(sb, {
        user: 'dr-okafor',
        patient: 'alex-rivera',
        scope: patientOnly,
      });
      expect((await fhirFetch(sb, t.access_token, 'Patient/alex-rivera')).status).toBe(200);
      expect((await fhirFetch(sb, t.access_token, 'Patient/blair-chen')).status).toBe(403);
    }
  });

  it('STRICT turns every switch on and FRIENDLY every one off', () => {
    expect(Object.values(STRICT).every(Boolean)).toBe(true);
    expect(Object.values(FRIENDLY).some(Boolean)).toBe(false);
    expect(Object.keys(STRICT).sort()).toEqual(Object.keys(sb.behaviour).sort());
  });
});
