import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bundle, CapabilityStatement, OperationOutcome, Resource, Task } from 'fhir/r4';
import { startSandbox, type Sandbox } from './index';
import { miniCohort } from './miniCohort';
import {
  authorizeForTest,
  authorizeUrl,
  fhirFetch,
  followAuthorization,
  jwtPayload,
  pkcePair,
  refreshToken,
  type TokenResponse,
} from './testClient';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const CLINICIAN_SCOPE =
  'launch openid fhirUser offline_access patient/*.rs user/Task.cruds user/CarePlan.cruds';

let sb: Sandbox;
let clinician: TokenResponse;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, cohort: miniCohort(new Date('2025-03-01T12:00:00Z')) });
  clinician = await authorizeForTest(sb, {
    user: 'dr-okafor',
    patient: 'alex-rivera',
    scope: CLINICIAN_SCOPE,
  });
});
afterAll(async () => {
  await sb?.close();
});

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('discovery', () => {
  it('serves a public CapabilityStatement with SMART oauth-uris', async () => {
    const res = await fhirFetch(sb, undefined, 'metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const cs = await json<CapabilityStatement>(res);
    const rest = cs.rest?.[0];
    expect(rest?.mode).toBe('server');
    expect(rest?.interaction?.map((i) => i.code)).toEqual(['transaction', 'batch']);
    const oauth = rest?.security?.extension?.find(
      (e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
    );
    expect(oauth?.extension?.find((e) => e.url === 'authorize')?.valueUri).toBe(
      `${sb.issuer}/auth`,
    );
    expect(oauth?.extension?.find((e) => e.url === 'token')?.valueUri).toBe(`${sb.issuer}/token`);
    const task = rest?.resource?.find((r) => r.type === 'Task');
    expect(task?.searchInclude).toEqual(
      expect.arrayContaining(['Task:patient', 'Task:focus', 'Task:owner']),
    );
    expect(task?.searchParam?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['owner', 'patient', 'status']),
    );
    expect(rest?.resource?.find((r) => r.type === 'MedicationRequest')?.searchInclude).toContain(
      'MedicationRequest:medication',
    );
  });

  it('serves .well-known/smart-configuration', async () => {
    const res = await fetch(`${sb.fhirBase}/.well-known/smart-configuration`);
    expect(res.status).toBe(200);
    const cfg = await json<Record<string, unknown>>(res);
    expect(cfg.authorization_endpoint).toBe(`${sb.issuer}/auth`);
    expect(cfg.token_endpoint).toBe(`${sb.issuer}/token`);
    expect(cfg.code_challenge_methods_supported).toEqual(['S256']);
    expect(cfg.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect(cfg.capabilities).toEqual(
      expect.arrayContaining([
        'launch-ehr',
        'launch-standalone',
        'client-public',
        'context-ehr-patient',
        'context-standalone-patient',
        'sso-openid-connect',
        'permission-v2',
        'permission-v1',
        'permission-patient',
        'permission-user',
      ]),
    );
    expect(cfg.scopes_supported).toEqual(
      expect.arrayContaining(['launch', 'launch/patient', 'openid', 'fhirUser', 'offline_access']),
    );
  });

  it('answers CORS preflight for the app origin', async () => {
    const res = await fetch(`${sb.fhirBase}/Task`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,if-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/If-Match/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/);
  });
});

describe('SMART authorization', () => {
  it('EHR launch gives patient, need_patient_banner, scope, refresh token and an id_token with fhirUser', () => {
    expect(clinician.token_type).toBe('Bearer');
    expect(clinician.expires_in).toBeGreaterThan(0);
    expect(clinician.patient).toBe('alex-rivera');
    expect(clinician.need_patient_banner).toBe(true);
    expect(clinician.refresh_token).toBeTruthy();
    expect(clinician.scope.split(' ')).toEqual(
      expect.arrayContaining(['launch', 'openid', 'fhirUser', 'patient/*.rs', 'user/Task.cruds']),
    );
    const claims = jwtPayload(clinician.id_token as string);
    expect(claims.fhirUser).toBe(`${sb.fhirBase}/Practitioner/dr-okafor`);
    expect(claims.iss).toBe(sb.issuer);
    expect(claims.aud).toBe(sb.clientId);
  });

  it('honours need_patient_banner=false and launches a peer without a patient', async () => {
    const t = await authorizeForTest(sb, {
      user: 'peer-sam',
      scope: 'launch openid fhirUser user/Task.rs',
      needPatientBanner: false,
    });
    expect(t.patient).toBeUndefined();
    expect(t.need_patient_banner).toBe(false);
    expect(t.refresh_token).toBeUndefined();
    expect(jwtPayload(t.id_token as string).fhirUser).toBe(`${sb.fhirBase}/Practitioner/peer-sam`);
  });

  it('accepts SMART v1 scopes and online_access', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: 'launch online_access patient/Observation.read patient/Observation.write',
    });
    expect(t.refresh_token).toBeTruthy();
    expect(t.scope.split(' ')).toEqual(
      expect.arrayContaining(['patient/Observation.read', 'patient/Observation.write']),
    );
    expect((await fhirFetch(sb, t.access_token, 'Observation?patient=alex-rivera')).status).toBe(
      200,
    );
    const created = await fhirFetch(sb, t.access_token, 'Observation', {
      method: 'POST',
      body: JSON.stringify({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'note' },
        subject: { reference: 'Patient/alex-rivera' },
      }),
    });
    expect(created.status).toBe(201);
    expect((await fhirFetch(sb, t.access_token, 'Task')).status).toBe(403);
  });

  it('standalone launch shows a picker and binds the chosen patient', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'blair-chen',
      standalone: true,
      scope: 'launch/patient openid fhirUser patient/*.rs',
    });
    expect(t.patient).toBe('blair-chen');
    const res = await fhirFetch(sb, t.access_token, 'Patient/blair-chen');
    expect(res.status).toBe(200);
  });

  function baseParams(
    extra: Record<string, string | undefined> = {},
  ): Record<string, string | undefined> {
    const launch = sb.createLaunch({ user: 'dr-okafor', patient: 'alex-rivera' });
    return {
      response_type: 'code',
      client_id: sb.clientId,
      redirect_uri: sb.redirectUris[0],
      scope: 'launch patient/*.rs',
      state: 'xyz',
      aud: sb.fhirBase,
      launch,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...extra,
    };
  }

  it('rejects an authorization request without PKCE', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ code_challenge: undefined, code_challenge_method: undefined })),
    );
    expect(flow.redirectedTo?.searchParams.get('error')).toBe('invalid_request');
    expect(flow.redirectedTo?.searchParams.get('code')).toBeNull();
  });

  it('rejects the plain PKCE method', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(
        sb,
        baseParams({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
      ),
    );
    expect(flow.redirectedTo?.searchParams.get('error')).toBe('invalid_request');
  });

  it('rejects an unregistered redirect_uri without redirecting', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ redirect_uri: 'http://localhost:5173/evil.html' })),
    );
    expect(flow.redirectedTo).toBeUndefined();
    expect(flow.response.status).toBe(400);
  });

  it('rejects an unknown client', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ client_id: 'someone-else' })),
    );
    expect(flow.redirectedTo).toBeUndefined();
    expect(flow.response.status).toBe(400);
  });

  it('rejects a wrong aud', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ aud: 'http://example.org/fhir' })),
    );
    expect(flow.redirectedTo).toBeUndefined();
    expect(flow.response.status).toBe(400);
  });

  it('rejects an unknown launch id', async () => {
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ launch: 'not-a-launch' })),
    );
    expect(flow.redirectedTo?.searchParams.get('error')).toBe('invalid_request');
  });

  it('rejects a code exchange with the wrong verifier', async () => {
    const { challenge } = pkcePair();
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, baseParams({ code_challenge: challenge })),
    );
    const code = flow.redirectedTo?.searchParams.get('code') as string;
    expect(code).toBeTruthy();
    const res = await fetch(`${sb.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: sb.redirectUris[0] as string,
        client_id: sb.clientId,
        code_verifier: pkcePair().verifier,
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect((await json<{ error: string }>(res)).error).toBe('invalid_grant');
  });

  it('refresh works, keeps the context, and expireAllTokens makes old access tokens 401', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: CLINICIAN_SCOPE,
    });
    sb.expireAllTokens();
    const expired = await fhirFetch(sb, t.access_token, 'Patient/alex-rivera');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const res = await refreshToken(sb, t.refresh_token as string);
    expect(res.status).toBe(200);
    const refreshed = await json<TokenResponse>(res);
    expect(refreshed.access_token).not.toBe(t.access_token);
    expect(refreshed.patient).toBe('alex-rivera');
    expect(refreshed.need_patient_banner).toBe(true);
    expect((await fhirFetch(sb, refreshed.access_token, 'Patient/alex-rivera')).status).toBe(200);
    // The shared token was expired too; get a fresh one for the other tests.
    clinician = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: CLINICIAN_SCOPE,
    });
  });
});

describe('token checks on the FHIR API', () => {
  it('401 with WWW-Authenticate without a token or with an unknown one', async () => {
    const none = await fhirFetch(sb, undefined, 'Patient/alex-rivera');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await json<OperationOutcome>(none)).resourceType).toBe('OperationOutcome');
    const bogus = await fhirFetch(sb, 'nope', 'Patient/alex-rivera');
    expect(bogus.status).toBe(401);
  });

  it('401 after the access token expires', async () => {
    const short = await startSandbox({ port: 0, cohort: miniCohort(), accessTokenTtlSeconds: 1 });
    try {
      const t = await authorizeForTest(short, {
        user: 'dr-okafor',
        patient: 'alex-rivera',
        scope: 'launch patient/*.rs',
      });
      expect(t.expires_in).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 2100));
      const res = await fhirFetch(short, t.access_token, 'Patient/alex-rivera');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    } finally {
      await short.close();
    }
  });

  it('403 with an OperationOutcome outside the granted scopes', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: 'launch patient/Observation.rs',
    });
    const res = await fhirFetch(sb, t.access_token, 'MedicationRequest?patient=alex-rivera');
    expect(res.status).toBe(403);
    expect((await json<OperationOutcome>(res)).resourceType).toBe('OperationOutcome');
    const write = await fhirFetch(sb, t.access_token, 'Observation', {
      method: 'POST',
      body: JSON.stringify({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Patient/alex-rivera' },
      }),
    });
    expect(write.status).toBe(403);
  });

  it("patient-scoped tokens only see their patient's compartment", async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: 'launch patient/*.rs',
    });
    expect((await fhirFetch(sb, t.access_token, 'Patient/blair-chen')).status).toBe(403);
    expect((await fhirFetch(sb, t.access_token, 'Observation/blair-chen-uds-0')).status).toBe(403);
    const all = await json<Bundle>(await fhirFetch(sb, t.access_token, 'Task'));
    expect(all.entry?.map((e) => e.resource?.id)).toEqual(['alex-task-1']);
    // Shared, non-compartment resources stay readable.
    expect((await fhirFetch(sb, t.access_token, 'Medication/bup-nal-8-2')).status).toBe(200);
  });

  it('user-scoped tokens see everything (a sandbox)', async () => {
    const t = await authorizeForTest(sb, { user: 'peer-sam', scope: 'launch user/*.rs' });
    const tasks = await json<Bundle>(
      await fhirFetch(sb, t.access_token, 'Task?owner=PractitionerRole/peer-sam-role'),
    );
    expect(tasks.entry?.map((e) => e.resource?.id).sort()).toEqual(['alex-task-1', 'blair-task-1']);
  });
});

describe('FHIR REST behaviour', () => {
  it('reads with ETag and Last-Modified; 404 OperationOutcome for unknown ids', async () => {
    const res = await fhirFetch(sb, clinician.access_token, 'Patient/alex-rivera');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\/".+"$/);
    expect(res.headers.get('last-modified')).toBeTruthy();
    const missing = await fhirFetch(sb, clinician.access_token, 'Task/nope');
    expect(missing.status).toBe(404);
    expect((await json<OperationOutcome>(missing)).resourceType).toBe('OperationOutcome');
  });

  it('pages searches with next links until the end', async () => {
    const ids = new Set<string>();
    // The code filter leaves out Observations other tests create.
    let url: string | undefined =
      'Observation?patient=alex-rivera&code=http://loinc.org|19659-8,http://loinc.org|3426-4&_count=10';
    let pages = 0;
    while (url) {
      const bundle: Bundle = await json<Bundle>(await fhirFetch(sb, clinician.access_token, url));
      expect(bundle.total).toBe(25);
      for (const e of bundle.entry ?? []) ids.add(e.resource?.id as string);
      expect(bundle.link?.find((l) => l.relation === 'self')).toBeTruthy();
      url = bundle.link?.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(25);
  });

  it('searches by code (system|code, comma = OR), date range, category and sorts', async () => {
    const q =
      'Observation?subject=Patient/alex-rivera&code=http://loinc.org|19659-8,http://loinc.org|3426-4&category=laboratory&date=ge2025-02-01&date=le2025-03-01&_sort=-date';
    const bundle = await json<Bundle>(await fhirFetch(sb, clinician.access_token, q));
    const dates = (bundle.entry ?? []).map(
      (e) => (e.resource as { effectiveDateTime: string }).effectiveDateTime,
    );
    expect(dates.length).toBe(5);
    expect([...dates].sort().reverse()).toEqual(dates);
    const one = await json<Bundle>(
      await fhirFetch(
        sb,
        clinician.access_token,
        'Observation?patient=alex-rivera&code=http://loinc.org|19659-8',
      ),
    );
    expect(one.total).toBe(12);
  });

  it('rejects unknown search parameters with 400', async () => {
    const res = await fhirFetch(sb, clinician.access_token, 'Observation?bogus=1');
    expect(res.status).toBe(400);
  });

  it('_include=Task:patient and Task:focus, MedicationRequest:medication', async () => {
    const bundle = await json<Bundle>(
      await fhirFetch(
        sb,
        clinician.access_token,
        'Task?patient=alex-rivera&_include=Task:patient&_include=Task:focus',
      ),
    );
    const byMode = (mode: string): string[] =>
      (bundle.entry ?? [])
        .filter((e) => e.search?.mode === mode)
        .map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
    expect(byMode('match')).toEqual(['Task/alex-task-1']);
    expect(byMode('include').sort()).toEqual([
      'MedicationRequest/alex-mr-1',
      'Patient/alex-rivera',
    ]);
    const mr = await json<Bundle>(
      await fhirFetch(
        sb,
        clinician.access_token,
        'MedicationRequest?patient=alex-rivera&_include=MedicationRequest:medication',
      ),
    );
    expect(mr.entry?.map((e) => e.resource?.resourceType)).toEqual([
      'MedicationRequest',
      'Medication',
    ]);
  });

  it('_revinclude works', async () => {
    const bundle = await json<Bundle>(
      await fhirFetch(
        sb,
        clinician.access_token,
        'Patient?_id=alex-rivera&_revinclude=Task:patient',
      ),
    );
    expect(bundle.entry?.map((e) => `${e.resource?.resourceType}:${e.search?.mode}`)).toEqual([
      'Patient:match',
      'Task:include',
    ]);
  });

  it('create returns 201 + Location; conditional create does not duplicate', async () => {
    const task: Task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      identifier: [{ system: 'urn:test', value: 'cond-1' }],
      for: { reference: 'Patient/alex-rivera' },
    };
    const headers = { 'if-none-exist': 'identifier=urn:test|cond-1' };
    const first = await fhirFetch(sb, clinician.access_token, 'Task', {
      method: 'POST',
      body: JSON.stringify(task),
      headers,
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toMatch(
      new RegExp(`^${sb.fhirBase}/Task/[^/]+/_history/`),
    );
    const second = await fhirFetch(sb, clinician.access_token, 'Task', {
      method: 'POST',
      body: JSON.stringify(task),
      headers,
    });
    expect(second.status).toBe(200);
    expect((await json<Task>(second)).id).toBe((await json<Task>(first)).id);
    const found = await json<Bundle>(
      await fhirFetch(sb, clinician.access_token, 'Task?identifier=urn:test|cond-1'),
    );
    expect(found.total).toBe(1);
  });

  it('If-Match: mismatch → 412, match → 200 with a new ETag', async () => {
    const read = await fhirFetch(sb, clinician.access_token, 'Task/alex-task-1');
    const etag = read.headers.get('etag') as string;
    const task = await json<Task>(read);
    const stale = await fhirFetch(sb, clinician.access_token, 'Task/alex-task-1', {
      method: 'PUT',
      body: JSON.stringify({ ...task, status: 'accepted' }),
      headers: { 'if-match': 'W/"stale"' },
    });
    expect(stale.status).toBe(412);
    expect((await json<OperationOutcome>(stale)).resourceType).toBe('OperationOutcome');
    const ok = await fhirFetch(sb, clinician.access_token, 'Task/alex-task-1', {
      method: 'PUT',
      body: JSON.stringify({ ...task, status: 'accepted' }),
      headers: { 'if-match': etag },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).not.toBe(etag);
  });

  it('transaction with urn:uuid references resolves them, and a failing transaction changes nothing', async () => {
    const carePlanUrn = 'urn:uuid:6f1c6a52-3c1e-4b8e-9d55-0c1f2d3e4a5b';
    const tx: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: carePlanUrn,
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
            basedOn: [{ reference: carePlanUrn }],
            for: { reference: 'Patient/alex-rivera' },
          },
          request: { method: 'POST', url: 'Task' },
        },
      ],
    };
    const res = await fhirFetch(sb, clinician.access_token, '', {
      method: 'POST',
      body: JSON.stringify(tx),
    });
    expect(res.status).toBe(200);
    const out = await json<Bundle>(res);
    expect(out.type).toBe('transaction-response');
    const carePlanLocation = out.entry?.[0]?.response?.location as string;
    expect(out.entry?.[0]?.response?.status).toMatch(/^201/);
    const createdTask = out.entry?.[1]?.resource as Task;
    expect(createdTask.basedOn?.[0]?.reference).toBe(carePlanLocation);

    const before = (
      await json<Bundle>(
        await fhirFetch(sb, clinician.access_token, 'CarePlan?patient=alex-rivera'),
      )
    ).total;
    const failing: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'CarePlan',
            status: 'active',
            intent: 'plan',
            subject: { reference: 'Patient/alex-rivera' },
          },
          request: { method: 'POST', url: 'CarePlan' },
        },
        {
          resource: { ...(createdTask as Resource), id: createdTask.id } as Task,
          request: { method: 'PUT', url: `Task/${createdTask.id}`, ifMatch: 'W/"stale"' },
        },
      ],
    };
    const bad = await fhirFetch(sb, clinician.access_token, '', {
      method: 'POST',
      body: JSON.stringify(failing),
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const after = (
      await json<Bundle>(
        await fhirFetch(sb, clinician.access_token, 'CarePlan?patient=alex-rivera'),
      )
    ).total;
    expect(after).toBe(before);
  });

  it('checks scopes for every transaction entry', async () => {
    const t = await authorizeForTest(sb, {
      user: 'dr-okafor',
      patient: 'alex-rivera',
      scope: 'launch patient/*.rs user/Task.cruds',
    });
    const tx: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'CarePlan',
            status: 'active',
            intent: 'plan',
            subject: { reference: 'Patient/alex-rivera' },
          },
          request: { method: 'POST', url: 'CarePlan' },
        },
      ],
    };
    expect(
      (await fhirFetch(sb, t.access_token, '', { method: 'POST', body: JSON.stringify(tx) }))
        .status,
    ).toBe(403);
  });

  it('logs FHIR requests with counts for benchmarks', () => {
    expect(sb.requestLog.length).toBeGreaterThan(0);
    expect(sb.requestCounts()['GET Observation']).toBeGreaterThan(0);
  });
});

describe('switched-off capabilities', () => {
  it('without transaction/include: 400 on transaction, _include ignored, CapabilityStatement says so', async () => {
    const off = await startSandbox({
      port: 0,
      cohort: miniCohort(),
      disabled: { transaction: true, include: true },
    });
    try {
      const t = await authorizeForTest(off, {
        user: 'dr-okafor',
        patient: 'alex-rivera',
        scope: 'launch patient/*.rs user/*.cruds',
      });
      const cs = await json<CapabilityStatement>(await fhirFetch(off, undefined, 'metadata'));
      expect(cs.rest?.[0]?.interaction?.map((i) => i.code)).toEqual(['batch']);
      expect(cs.rest?.[0]?.resource?.find((r) => r.type === 'Task')?.searchInclude).toBeUndefined();
      const tx: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Basic', code: { text: 'x' } },
            request: { method: 'POST', url: 'Basic' },
          },
        ],
      };
      expect(
        (await fhirFetch(off, t.access_token, '', { method: 'POST', body: JSON.stringify(tx) }))
          .status,
      ).toBe(400);
      const bundle = await json<Bundle>(
        await fhirFetch(off, t.access_token, 'Task?patient=alex-rivera&_include=Task:patient'),
      );
      expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual(['Task']);
    } finally {
      await off.close();
    }
  });
});

describe('EHR simulator', () => {
  it('renders a launcher with labelled controls and a standalone link', async () => {
    const res = await fetch(`${sb.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="patient">');
    expect(html).toContain('<label for="user">');
    expect(html).toContain('<label for="need_patient_banner">');
    expect(html).toContain('Alex Rivera');
    expect(html).toContain(sb.standaloneLaunchUrl.replace(/&/g, '&#38;'));
  });

  it('launch frames the app at launch URL with iss and a launch id that is bound to the context', async () => {
    const res = await fetch(`${sb.url}/launch?form=1&patient=alex-rivera&user=peer-sam`);
    const html = await res.text();
    const src = /<iframe title="SMART app" src="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#38;/g, '&') as string;
    const u = new URL(src);
    expect(`${u.origin}${u.pathname}`).toBe(sb.appLaunchUrl);
    expect(u.searchParams.get('iss')).toBe(sb.fhirBase);
    const launch = u.searchParams.get('launch') as string;
    const { verifier, challenge } = pkcePair();
    const flow = await followAuthorization(
      sb,
      authorizeUrl(sb, {
        response_type: 'code',
        client_id: sb.clientId,
        redirect_uri: sb.redirectUris[0],
        scope: 'launch openid fhirUser patient/*.rs',
        state: 's',
        aud: sb.fhirBase,
        launch,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    const code = flow.redirectedTo?.searchParams.get('code') as string;
    const tok = await fetch(`${sb.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: sb.redirectUris[0] as string,
        client_id: sb.clientId,
        code_verifier: verifier,
      }).toString(),
    });
    const body = await json<TokenResponse>(tok);
    expect(body.patient).toBe('alex-rivera');
    // Unchecked box on the form → false.
    expect(body.need_patient_banner).toBe(false);
    expect(jwtPayload(body.id_token as string).fhirUser).toBe(
      `${sb.fhirBase}/Practitioner/peer-sam`,
    );
  });
  it('a launch without a patient opens the app with profile=worklist (a peer’s worklist); with one, without', async () => {
    const srcOf = async (query: string) => {
      const html = await (await fetch(`${sb.url}/launch?${query}`)).text();
      const src = /<iframe title="SMART app" src="([^"]+)"/.exec(html)?.[1] ?? '';
      return new URL(src.replace(/&#38;/g, '&'));
    };
    expect((await srcOf('form=1&patient=&user=peer-sam')).searchParams.get('profile')).toBe(
      'worklist',
    );
    expect(
      (await srcOf('form=1&patient=alex-rivera&user=peer-sam')).searchParams.has('profile'),
    ).toBe(false);
  });
});
