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
      'GET Observation?patient={patient}&category=laboratory',
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
      expect(r).toContain('_count=1');
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
