import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FhirResource, Patient } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCohort } from '../../../test/fixtures/cohort/index';
import { TEST_NOW } from '../../../test/fixtures/clock';
import { startTestFhir, testClient, type TestFhir } from '../../../test/msw/fhirServer';
import { fhirclientTransport } from '../../fhir/transport';
import { scopesFor } from '../../smart/scopes';
import type { Session } from '../../smart/session';
import { formatName } from '../../ui/PatientBanner';
import { ClockContext, fixedClock } from '../session/clock';
import { SessionContext } from '../session/SessionContext';
import { planChecks } from './checks';
import { IntegrationCheck, verdictOf } from './IntegrationCheck';
import { planSearchProbes } from './searchProbes';
import { IO_TEST_TIMEOUT_MS, UI_WAIT_MS } from '../../../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const KEY = 'stable-buprenorphine';
const cohort = buildCohort(TEST_NOW);
const patientFile = cohort.patients.find((p) => p.key === KEY);
const SMART_CONFIG = {
  authorization_endpoint: 'http://ehr.test/auth/authorize',
  token_endpoint: 'http://ehr.test/auth/token',
  capabilities: ['launch-ehr', 'client-public', 'permission-v2'],
  code_challenge_methods_supported: ['S256'],
};

let fhir: TestFhir;
beforeAll(async () => {
  const resources: FhirResource[] = [...cohort.shared, ...(patientFile?.resources ?? [])];
  // Types the app searches that this patient happens not to have, so the server knows them.
  resources.push(
    {
      resourceType: 'MedicationDispense',
      id: 'elsewhere',
      status: 'completed',
      subject: { reference: 'Patient/someone-else' },
      medicationCodeableConcept: { text: 'x' },
    },
    { resourceType: 'CareTeam', id: 'elsewhere', subject: { reference: 'Patient/someone-else' } },
    {
      resourceType: 'Provenance',
      id: 'elsewhere',
      target: [{ reference: 'CareTeam/elsewhere' }],
      recorded: '2025-01-01T00:00:00Z',
      agent: [{ who: { reference: 'Practitioner/dr-okafor' } }],
    },
  );
  fhir = await startTestFhir(resources);
});
afterAll(() => fhir.close());
afterEach(() => fhir.clearFailures());

function serveSmartConfiguration() {
  fhir.failWhen((_m, url) =>
    url.pathname.endsWith('/.well-known/smart-configuration')
      ? { status: 200, body: SMART_CONFIG }
      : undefined,
  );
}

function renderCheck(granted = 'launch openid fhirUser patient/*.rs user/*.rs') {
  const client = testClient({ patient: KEY, fhirUser: 'Practitioner/dr-okafor', scope: granted });
  client.state.scope = scopesFor('chart', true, 'v2');
  const session: Session = {
    client,
    serverUrl: 'http://ehr.test/fhir',
    patientId: KEY,
    fhirUser: 'Practitioner/dr-okafor',
    grantedScopes: granted,
    needPatientBanner: false,
    profile: 'chart',
  };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <ClockContext.Provider value={fixedClock(TEST_NOW)}>
        <SessionContext.Provider value={{ session, send: fhirclientTransport(client) }}>
          <IntegrationCheck />
        </SessionContext.Provider>
      </ClockContext.Provider>
    </QueryClientProvider>,
  );
}

const text = (el: Element | null) => el?.textContent ?? '';

const row = (label: string) => {
  const header = screen.getByRole('rowheader', { name: label });
  return header.closest('tr') as HTMLElement;
};

async function settled() {
  await waitFor(() => expect(screen.queryAllByText('Checking…')).toHaveLength(0), {
    timeout: UI_WAIT_MS,
  });
  await screen.findByRole('rowheader', { name: 'Patient — read' });
}

describe('Integration check', () => {
  it('lists every interaction the app needs, advertised and tried live, with reads only and no patient data', async () => {
    serveSmartConfiguration();
    fhir.requests.length = 0;
    renderCheck();
    await settled();
    await waitFor(() => expect(text(row('Patient — read'))).toContain('Works (200)'));

    expect(text(row('Observation — search'))).toContain(
      'GET Observation?patient=Patient/{patient}&category=laboratory',
    );
    expect(text(row('Observation — search'))).toContain('Works (200)');
    expect(text(row('MedicationRequest — _include=MedicationRequest:medication'))).toContain(
      // this patient's orders name their medication inline: nothing to include, and the page says so
      'nothing was included',
    );
    expect(text(row('Practitioner — read'))).toContain('Works (200)');
    expect(text(row('Transaction (POST to the base)'))).toContain('Yes');
    expect(text(row('Transaction (POST to the base)'))).toContain('never tried');
    expect(text(row('Task — update'))).toContain('Writes are never tried');
    expect(screen.getByText(/Scope syntax: SMART v2/)).toBeTruthy();
    const adapts = screen.getByRole('heading', { name: 'How the app adapts to this server' })
      .nextElementSibling as HTMLElement;
    expect(text(adapts)).toBe('Everything the check could try works; nothing needs a fallback.');

    // Read-only: GETs only, searches with a small _count.
    expect(fhir.requests.every((r) => r.startsWith('GET '))).toBe(true);
    for (const r of fhir.requests.filter((x) => /\?/.test(x) && !x.includes('_include')))
      expect(Number(new URLSearchParams(r.split('?')[1]).get('_count')), r).toBeLessThanOrEqual(50);
    // No patient data on screen: not the id, not the name.
    const patient = patientFile?.resources.find((r) => r.resourceType === 'Patient') as Patient;
    expect(document.body.textContent).not.toContain(KEY);
    expect(document.body.textContent).not.toContain(formatName(patient.name));
  });

  it('shows what the server does not advertise or refuses, and how the app adapts', async () => {
    serveSmartConfiguration();
    const cs = fhir.engine.capabilityStatement();
    const rest = cs.rest?.[0];
    if (rest) rest.interaction = [{ code: 'batch' }];
    fhir.failWhen((_m, url) =>
      url.pathname.endsWith('/metadata') ? { status: 200, body: cs } : undefined,
    );
    fhir.failWhen((_m, url) =>
      url.pathname.endsWith('/Observation')
        ? {
            status: 403,
            body: {
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: 'forbidden' }],
            },
          }
        : undefined,
    );
    renderCheck();
    await settled();
    await waitFor(() => expect(text(row('Observation — search'))).toContain('Failed (403)'));
    expect(text(row('Transaction (POST to the base)'))).toContain('Not advertised');
    const adapts = screen.getByRole('heading', { name: 'How the app adapts to this server' })
      .nextElementSibling as HTMLElement;
    expect(
      within(adapts).getByText(/Transaction \(POST to the base\) is not advertised/),
    ).toBeTruthy();
    expect(text(adapts)).toContain('batches of conditional creates');
    expect(text(adapts)).toContain('Drug tests cannot be shown');
  });

  it('says so when metadata and the SMART configuration cannot be read', async () => {
    fhir.failWhen((_m, url) =>
      url.pathname.endsWith('/metadata') || url.pathname.includes('.well-known')
        ? { status: 404, body: {} }
        : undefined,
    );
    renderCheck();
    expect(
      await screen.findByText(/Failed: answered 404\. The app assumes no transactions/),
    ).toBeTruthy();
    expect(await screen.findByText(/The app asks for SMART v1 scopes/)).toBeTruthy();
    await settled();
    expect(text(row('Transaction (POST to the base)'))).toContain('Unknown');
  });

  it('compares requested and granted scopes', async () => {
    serveSmartConfiguration();
    renderCheck('launch openid fhirUser patient/*.rs');
    const table = await screen.findByRole('table', { name: 'Scopes: requested and granted' });
    const line = (scope: string) =>
      within(table).getByRole('rowheader', { name: scope }).closest('tr') as HTMLElement;
    expect(text(line('patient/Observation.s'))).toContain('Granted');
    expect(text(line('patient/Task.cs'))).toContain('Not granted');
    expect(text(line('online_access'))).toContain('Not granted');
    await settled();
    // A write scope missing does not stop the reads from being tried.
    expect(text(row('Task — search'))).toContain('Works');
    expect(text(row('Task — create'))).toContain('never tried');
  });

  it('runs again on request', async () => {
    serveSmartConfiguration();
    renderCheck();
    await settled();
    fhir.requests.length = 0;
    await userEvent.click(screen.getByRole('button', { name: 'Run the check again' }));
    await waitFor(() =>
      expect(fhir.requests.some((r) => r.startsWith('GET /Patient/'))).toBe(true),
    );
  });
});

describe('verdicts', () => {
  const caps = {
    known: true,
    transaction: false,
    batch: true,
    includes: {},
    interactions: { MedicationRequest: ['search-type'] },
    searchParams: {},
    conditionalCreate: [],
  };
  const include = planChecks(caps, {
    patientId: 'p',
    grantedScopes: 'patient/*.rs',
    profile: 'chart',
    today: TEST_NOW,
  }).find((l) => l.id === 'include:MedicationRequest:medication');

  it('an _include that returns nothing is not called working', () => {
    if (!include) throw new Error('no include line');
    expect(include.advertised).toBe('no');
    expect(verdictOf(include, { ok: true, status: 200, matches: 3, includedTypes: [] })).toEqual([
      'missing',
      expect.stringContaining('nothing was included'),
    ]);
    expect(
      verdictOf(include, { ok: true, status: 200, matches: 3, includedTypes: ['Medication'] })[0],
    ).toBe('works');
    expect(verdictOf(include, { ok: false, status: 500, problem: 'answered 500' })[1]).toBe(
      'Failed (500): answered 500',
    );
  });

  it('the worklist launch checks the peer Task search, and patient searches are not tried', () => {
    const lines = planChecks(
      { ...caps, interactions: {} },
      {
        fhirUser: 'Practitioner/peer-morales',
        grantedScopes: 'user/*.rs',
        profile: 'worklist',
        today: TEST_NOW,
      },
    );
    expect(lines.find((l) => l.id === 'Task:search-type')?.probe).toMatch(/^Task\?code=.*&status=/);
    expect(lines.find((l) => l.id === 'Observation:search-type')?.notTried).toMatch(/no patient/);
    expect(lines.find((l) => l.id === 'Practitioner:read')?.probe).toBe(
      'Practitioner/peer-morales',
    );
  });
});

describe('which screen uses what', () => {
  const caps = {
    known: true,
    transaction: true,
    batch: true,
    includes: {},
    interactions: {},
    searchParams: {},
    conditionalCreate: [],
  };
  const lines = planChecks(caps, { grantedScopes: '', profile: 'worklist', today: TEST_NOW });
  const usedBy = (id: string) => lines.find((l) => l.id === id)?.usedBy;

  it('follows the screens’ own scopes and searches', () => {
    expect(usedBy('include:MedicationRequest:medication')).toEqual(['chart']);
    // The worklist reads its people by search with _elements, not _include=Task:patient (issue 12).
    expect(usedBy('include:Task:patient')).toBeUndefined();
    expect(usedBy('Patient:search-type')).toEqual(['worklist']);
    expect(usedBy('system:transaction')).toEqual(['chart']);
    expect(usedBy('Task:update')).toEqual(['worklist']);
    expect(usedBy('Task:create')).toEqual(['chart']);
    expect(usedBy('CarePlan:update')).toEqual(['chart']);
    expect(usedBy('Observation:search-type')).toEqual(['chart']);
    expect(usedBy('Patient:read')).toEqual(['chart', 'worklist']);
    expect(usedBy('PractitionerRole:search-type')).toEqual(['chart', 'worklist']);
    // searched by nobody: the app reads Medication by id only
    expect(usedBy('Medication:search-type')).toEqual([]);
  });
});

describe('the searches the screens send, on a strict server', { timeout: 30_000 }, () => {
  const resources: FhirResource[] = [
    ...cohort.shared,
    ...cohort.patients.flatMap((p) => p.resources),
  ];
  const worklistScopes =
    'launch openid fhirUser user/Task.rus user/Patient.r user/CarePlan.r user/Practitioner.r user/PractitionerRole.rs';

  async function findings(strict: Parameters<typeof startTestFhir>[1]) {
    fhir.close();
    const strictFhir = await startTestFhir(resources, strict);
    try {
      const client = testClient({ fhirUser: 'Practitioner/peer-morales', scope: worklistScopes });
      const send = fhirclientTransport(client);
      const probes = planSearchProbes({
        fhirUser: 'Practitioner/peer-morales',
        grantedScopes: worklistScopes,
        profile: 'worklist',
      });
      const out = new Map<string, { verdict: string; words: string; adaptation?: string }>();
      for (const p of probes) {
        const f = p.run ? await p.run(send) : undefined;
        out.set(p.id, f ?? { verdict: 'untried', words: p.notTried ?? '' });
      }
      return { out, requests: [...strictFhir.requests] };
    } finally {
      strictFhir.close();
      fhir = await startTestFhir(resources);
    }
  }

  it('finds the peer’s role with the typed reference, says a bare id finds nothing, and that owner:missing is ignored', async () => {
    const { out, requests } = await findings({
      bareIdReferencesMatchNothing: true,
      missingModifierIgnored: true,
    });
    expect(out.get('worklist:roles')).toMatchObject({ verdict: 'works' });
    expect(out.get('worklist:roles')?.words).toMatch(/1 role found/);
    expect(out.get('references:practitioner')?.words).toMatch(
      /a bare id found none.*needs typed references/,
    );
    expect(out.get('worklist:owned')?.words).toMatch(/owned by the user or 1 role/);
    expect(out.get('worklist:unowned')).toMatchObject({ verdict: 'failed' });
    expect(out.get('worklist:unowned')?.words).toMatch(/ignored owner:missing/);
    expect(out.get('worklist:unowned')?.adaptation).toMatch(/worklist does not show them/);
    expect(out.get('chart:medication-administration')?.words).toMatch(/no patient in context/);
    // read-only, and no id of the user or role in what is shown (only in the requests)
    expect(requests.every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('on a friendly server: both reference forms work, and owner:missing is honoured', async () => {
    const { out } = await findings({});
    expect(out.get('references:practitioner')?.words).toMatch(/Both forms work/);
    expect(out.get('worklist:unowned')).toMatchObject({ verdict: 'works' });
  });
});

describe('adaptations for the current screen only', { timeout: 20_000 }, () => {
  it('on the worklist, a server without _include or the people search shows the people fallback, not the chart’s MedicationRequest one', async () => {
    serveSmartConfiguration();
    const cs = fhir.engine.capabilityStatement();
    for (const r of cs.rest?.[0]?.resource ?? []) {
      delete r.searchInclude;
      // and no Patient search: the worklist reads its people by `Patient?_id=…&_elements=…`
      if (r.type === 'Patient')
        r.interaction = r.interaction?.filter((i) => i.code !== 'search-type');
    }
    fhir.failWhen((_m, url) =>
      url.pathname.endsWith('/metadata') ? { status: 200, body: cs } : undefined,
    );
    const granted =
      'launch openid fhirUser user/Task.rus user/Patient.r user/CarePlan.r user/Practitioner.r user/PractitionerRole.rs';
    const client = testClient({ fhirUser: 'Practitioner/peer-morales', scope: granted });
    client.state.scope = scopesFor('worklist', true, 'v2');
    const session: Session = {
      client,
      serverUrl: 'http://ehr.test/fhir',
      fhirUser: 'Practitioner/peer-morales',
      grantedScopes: granted,
      needPatientBanner: true,
      profile: 'worklist',
    };
    render(
      <QueryClientProvider
        client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}
      >
        <SessionContext.Provider value={{ session, send: fhirclientTransport(client) }}>
          <IntegrationCheck />
        </SessionContext.Provider>
      </QueryClientProvider>,
    );
    const heading = await screen.findByRole('heading', {
      name: 'How the app adapts to this server',
    });
    await waitFor(
      () =>
        expect(text(heading.nextElementSibling)).toContain('Patient — search is not advertised'),
      {
        timeout: 10_000,
      },
    );
    const adapts = text(heading.nextElementSibling);
    expect(adapts).toContain('Name not available');
    expect(adapts).not.toContain('MedicationRequest');
    expect(adapts).not.toContain('Transaction');
    // the worklist's own searches were tried and shown
    const roles = screen.getByRole('rowheader', {
      name: 'Worklist — the user’s PractitionerRoles',
    });
    await waitFor(() => expect(text(roles.closest('tr'))).toContain('1 role found'));
  });
});
