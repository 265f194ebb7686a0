import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Bundle, CarePlan, FhirResource, Task } from 'fhir/r4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCohort } from '../../../test/fixtures/cohort/index';
import { TEST_NOW } from '../../../test/fixtures/clock';
import { startTestFhir, testClient, type TestFhir } from '../../../test/msw/fhirServer';
import { IDENTIFIER_SYSTEM } from '../../domain/peerPlan';
import { fhirclientTransport } from '../../fhir/transport';
import type { Session } from '../../smart/session';
import { ClockContext, fixedClock } from '../session/clock';
import { SessionContext } from '../session/SessionContext';
import { draftKey } from './draftStore';

const TEST_OWNER = { serverUrl: 'http://ehr.test/fhir', fhirUser: 'Practitioner/dr-okafor' };
import { PeerPlanSection } from './PeerPlanSection';
import { IO_TEST_TIMEOUT_MS, UI_WAIT_MS } from '../../../test/fixtures/timeouts';

vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });
const cohort = buildCohort(TEST_NOW);
const ALL_SCOPES = 'launch openid fhirUser patient/*.cruds user/*.cruds';

let fhir: TestFhir | undefined;
afterEach(() => {
  fhir?.close();
  fhir = undefined;
  sessionStorage.clear();
});

/** One patient plus the practice; CareTeam and Provenance are seeded so the server serves those types. */
async function server(key: string): Promise<TestFhir> {
  const patient = cohort.patients.find((p) => p.key === key);
  if (!patient) throw new Error(key);
  const resources: FhirResource[] = [
    ...cohort.shared,
    ...patient.resources,
    { resourceType: 'CareTeam', id: 'other-team', subject: { reference: 'Patient/someone-else' } },
    {
      resourceType: 'CarePlan',
      id: 'other-plan',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/someone-else' },
    },
    {
      resourceType: 'Task',
      id: 'other-task',
      status: 'requested',
      intent: 'order',
      for: { reference: 'Patient/someone-else' },
    },
    {
      resourceType: 'Provenance',
      id: 'other-prov',
      recorded: '2020-01-01T00:00:00Z',
      target: [{ reference: 'Patient/someone-else' }],
      agent: [{ who: { reference: 'Practitioner/dr-okafor' } }],
    },
    {
      resourceType: 'MedicationDispense',
      id: 'other-md',
      status: 'completed',
      subject: { reference: 'Patient/someone-else' },
      medicationCodeableConcept: { text: 'unrelated' },
    },
  ];
  fhir = await startTestFhir(resources);
  return fhir;
}

function renderSection(patientId: string, scopes = ALL_SCOPES) {
  const client = testClient({ patient: patientId, fhirUser: 'Practitioner/dr-okafor' });
  const session: Session = {
    client,
    serverUrl: 'http://ehr.test/fhir',
    patientId,
    fhirUser: 'Practitioner/dr-okafor',
    grantedScopes: scopes,
    needPatientBanner: false,
    profile: 'chart',
  };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <ClockContext.Provider value={fixedClock(TEST_NOW)}>
        <SessionContext.Provider value={{ session, send: fhirclientTransport(client) }}>
          <PeerPlanSection patientId={patientId} />
        </SessionContext.Provider>
      </ClockContext.Provider>
    </QueryClientProvider>,
  );
  return Object.assign(view, { client });
}

const user = () => userEvent.setup();

/** Opens the composer, chooses the peer, makes sure there is a follow-up, previews. */
async function composeAndPreview(button: RegExp) {
  const u = user();
  await u.click(
    await screen
      .findByRole('button', { name: button }, { timeout: UI_WAIT_MS })
      .catch((e: unknown) => {
        screen.debug(undefined, 3000);
        throw e;
      }),
  );
  const peer = await screen.findByLabelText('Peer', {}, { timeout: UI_WAIT_MS });
  await u.selectOptions(peer, 'Jordan Morales');
  if (screen.queryAllByRole('group', { name: /^Follow-up \d/ }).length === 0) {
    await u.click(screen.getByRole('button', { name: 'Add a follow-up' }));
    await u.type(screen.getByLabelText('Context for the peer'), 'Check in this week.');
  }
  await u.click(screen.getByRole('button', { name: 'Preview' }));
  await screen.findByRole('heading', { name: 'Preview' }).catch((e: unknown) => {
    screen.debug(undefined, 6000);
    throw e;
  });
  return u;
}

const search = async <T extends FhirResource>(type: string, params: Record<string, string> = {}) =>
  (await fhir!.engine.repo.searchResources({
    resourceType: type as 'Task',
    filters: Object.entries(params).map(([code, value]) => ({
      code,
      operator: 'eq' as never,
      value,
    })),
  })) as unknown as T[];

async function ourPlans(patientId: string): Promise<CarePlan[]> {
  return (await search<CarePlan>('CarePlan', { subject: `Patient/${patientId}` })).filter((p) =>
    p.identifier?.some((i) => i.system === IDENTIFIER_SYSTEM.carePlan && i.value?.length === 36),
  );
}
async function ourTasks(patientId: string): Promise<Task[]> {
  return (await search<Task>('Task', { subject: `Patient/${patientId}` })).filter((t) =>
    t.identifier?.some((i) => i.system === IDENTIFIER_SYSTEM.task && i.value?.length === 36),
  );
}
const provenanceCount = async () =>
  (await search('Provenance')).filter((p) => p.id !== 'other-prov').length;
const transactionPosts = () => fhir!.requests.filter((r) => r === 'POST ' || r === 'POST /');
const previewBundle = () =>
  (JSON.parse(screen.getByText(/"resourceType": "Bundle"/).textContent ?? '[]') as Bundle[])[0]!;

describe('a new peer-support plan', () => {
  it('writes CareTeam, CarePlan, Tasks and Provenance once, and the summary shows the open follow-ups', async () => {
    await server('taper-rapid');
    renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    const bundle = previewBundle();
    const nTasks = bundle.entry!.filter((e) => e.resource?.resourceType === 'Task').length;
    expect(
      within(screen.getByLabelText('The plan in words')).getByText(/Jordan Morales/),
    ).toBeTruthy();
    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    await screen.findByText(/Peer support plan written/, {}, { timeout: UI_WAIT_MS });
    const plans = await ourPlans('taper-rapid');
    expect(plans).toHaveLength(1);
    const tasks = await ourTasks('taper-rapid');
    expect(tasks).toHaveLength(nTasks);
    expect(tasks.every((t) => t.basedOn?.[0]?.reference === `CarePlan/${plans[0]!.id}`)).toBe(true);
    expect(await provenanceCount()).toBe(1);
    expect(sessionStorage.getItem(draftKey(TEST_OWNER, 'taper-rapid'))).toBeNull();
    // the summary was read again and lists the new Tasks
    const list = await screen.findByRole('list', { name: 'Open peer follow-ups' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(nTasks));
    // and the button now adds to the plan
    expect(screen.getByRole('button', { name: 'Add follow-up' })).toBeTruthy();
  });

  it('a double click sends one request and writes one plan', async () => {
    await server('taper-rapid');
    renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    await u.dblClick(screen.getByRole('button', { name: 'Write to the EHR' }));
    await screen.findByText(/Peer support plan written/, {}, { timeout: UI_WAIT_MS });
    expect(transactionPosts()).toHaveLength(1);
    expect(await ourPlans('taper-rapid')).toHaveLength(1);
  });

  it('a 500 on the first transaction keeps the draft; Retry writes one of each', async () => {
    const f = await server('taper-rapid');
    let failures = 1;
    f.failWhen((method, url) =>
      method === 'POST' && /\/fhir\/?$/.test(url.pathname) && failures-- > 0
        ? { status: 500, body: { resourceType: 'OperationOutcome', issue: [] } }
        : undefined,
    );
    renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    const nTasks = followUpCountFromPreview();
    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/draft is kept.*Retry/);
    expect(sessionStorage.getItem(draftKey(TEST_OWNER, 'taper-rapid'))).not.toBeNull();
    expect(await ourPlans('taper-rapid')).toHaveLength(0);
    await u.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText(/Peer support plan written/, {}, { timeout: UI_WAIT_MS });
    expect(await ourPlans('taper-rapid')).toHaveLength(1);
    expect(await ourTasks('taper-rapid')).toHaveLength(nTasks);
    expect(await provenanceCount()).toBe(1);
  });

  it('the EHR refuses to renew the session: "session ended" with its OAuth code at once, nothing sent, the draft kept', async () => {
    const f = await server('taper-rapid');
    const tokenUri = 'http://ehr.test/fhir/_token';
    f.failWhen((method, url) =>
      method === 'POST' && url.pathname.endsWith('/_token')
        ? {
            status: 400,
            body: { error: 'invalid_grant', error_description: 'Session ended <b>somewhere</b>' },
          }
        : undefined,
    );
    const { client } = renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    // the access token expires while the clinician composes; the EHR holds a refresh token
    client.state.tokenUri = tokenUri;
    client.state.tokenResponse = {
      ...client.state.tokenResponse,
      refresh_token: 'refresh-1',
      scope: `${ALL_SCOPES} online_access`,
    };
    client.state.expiresAt = 1;
    const before = f.requests.length;
    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'Your session with the EHR has ended — open the app again from the chart.',
    );
    expect(alert.textContent).toContain('invalid_grant');
    expect(alert.textContent).not.toMatch(/permissions|somewhere/);
    expect(alert.textContent).toMatch(/draft is kept/);
    // only the refused refresh went out: no write
    expect(f.requests.slice(before)).toEqual(['POST /_token']);
    expect(sessionStorage.getItem(draftKey(TEST_OWNER, 'taper-rapid'))).not.toBeNull();
  });

  it('reload then retry, after a write whose answer was lost: still one of each', async () => {
    const f = await server('taper-rapid');
    f.failWhen((method, url) =>
      method === 'POST' && /\/fhir\/?$/.test(url.pathname) ? { status: 504 } : undefined,
    );
    const first = renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    const bundle = previewBundle();
    const nTasks = bundle.entry!.filter((e) => e.resource?.resourceType === 'Task').length;
    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    await screen.findByRole('alert');
    // The server did write it; only the answer was lost on the way back.
    const direct = await f.engine.handle(
      { method: 'POST', path: '', searchParams: new URLSearchParams(), headers: {}, body: bundle },
      undefined,
    );
    expect(direct.status).toBe(200);
    f.clearFailures();
    first.unmount(); // "reload": only sessionStorage survives

    renderSection('taper-rapid');
    await screen.findByText(
      /A draft that was not written yet was restored/,
      {},
      { timeout: UI_WAIT_MS },
    );
    // the plan now exists, so the composer adds to it; the draft's identifiers are the same
    await u.click(await screen.findByRole('button', { name: 'Preview' }, { timeout: UI_WAIT_MS }));
    await u.click(await screen.findByRole('button', { name: 'Write to the EHR' }));
    await screen.findByText(
      /written|added/,
      { selector: '[role=status]' },
      { timeout: UI_WAIT_MS },
    );
    expect(await ourPlans('taper-rapid')).toHaveLength(1);
    expect(await ourTasks('taper-rapid')).toHaveLength(nTasks);
    expect(await provenanceCount()).toBe(1);
  });

  it('without create permission, offers the plan as copyable text and writes nothing', async () => {
    await server('taper-rapid');
    renderSection('taper-rapid', 'launch openid fhirUser patient/*.rs user/*.rs');
    await composeAndPreview(/Start peer support/);
    expect(screen.getByRole('alert').textContent).toMatch(/not allowed.*create CarePlan/);
    const text = screen.getByLabelText('The plan as text') as HTMLTextAreaElement;
    expect(text.value).toMatch(/^Peer recovery support plan/);
    expect(text.value).toContain('Jordan Morales');
    expect(screen.queryByRole('button', { name: 'Write to the EHR' })).toBeNull();
    expect(transactionPosts()).toHaveLength(0);
  });

  it('without transaction support, says so and writes batches, one of each', async () => {
    const f = await server('taper-rapid');
    f.failWhen((method, url) =>
      method === 'GET' && url.pathname.endsWith('/metadata')
        ? {
            status: 200,
            body: {
              resourceType: 'CapabilityStatement',
              status: 'active',
              date: '2025-01-01',
              kind: 'instance',
              fhirVersion: '4.0.1',
              format: ['json'],
              rest: [{ mode: 'server', interaction: [{ code: 'batch' }] }],
            },
          }
        : undefined,
    );
    renderSection('taper-rapid');
    const u = await composeAndPreview(/Start peer support/);
    expect(screen.getByRole('note').textContent).toMatch(/does not accept all-or-nothing/);
    await waitFor(() =>
      expect(
        (screen.getByRole('button', { name: 'Write to the EHR' }) as HTMLButtonElement).disabled,
      ).toBe(false),
    );
    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    await screen.findByText(/Peer support plan written/, {}, { timeout: UI_WAIT_MS });
    expect(transactionPosts().length).toBeGreaterThan(1);
    expect(await ourPlans('taper-rapid')).toHaveLength(1);
    expect(await provenanceCount()).toBe(1);
  });
});

function followUpCountFromPreview(): number {
  return previewBundle().entry!.filter((e) => e.resource?.resourceType === 'Task').length;
}

describe('adding to an existing peer-support plan', () => {
  it('a 412 (someone changed the plan) reloads it, merges, and keeps every new Task', async () => {
    const f = await server('lapsed-supply');
    renderSection('lapsed-supply');
    const u = await composeAndPreview(/Add follow-up/);
    // back to edit: tick an activity the plan lacks, so the plan itself is updated
    await u.click(screen.getByRole('button', { name: 'Back to edit' }));
    await u.click(screen.getByLabelText('Harm reduction and naloxone'));
    await u.click(screen.getByRole('button', { name: 'Preview' }));
    const nTasks = followUpCountFromPreview();
    expect(previewBundle().entry?.[0]?.request?.method).toBe('PUT');

    // someone else edits the plan meanwhile
    const [plan] = (await search<CarePlan>('CarePlan', {
      subject: 'Patient/lapsed-supply',
    })) as (CarePlan & {
      id: string;
    })[];
    await f.engine.repo.updateResource({
      ...(plan as never as object),
      note: [{ text: 'Edited by a colleague.' }],
    } as never);
    const tasksBefore = (await search<Task>('Task', { subject: 'Patient/lapsed-supply' })).length;

    await u.click(screen.getByRole('button', { name: 'Write to the EHR' }));
    await screen.findByText(/merged into their version/, {}, { timeout: UI_WAIT_MS });
    expect(fhir!.requests.filter((r) => r.startsWith('GET /CarePlan/'))).toHaveLength(1);
    const after = (await search<CarePlan>('CarePlan', {
      subject: 'Patient/lapsed-supply',
    })) as CarePlan[];
    expect(after).toHaveLength(1);
    const merged = after[0]!;
    expect(merged.note?.map((n) => n.text)).toContain('Edited by a colleague.');
    expect(merged.activity?.map((a) => a.detail?.code?.coding?.[0]?.code)).toContain(
      'harm-reduction-naloxone',
    );
    const tasks = await search<Task>('Task', { subject: 'Patient/lapsed-supply' });
    expect(tasks.length - tasksBefore).toBe(nTasks);
    expect(
      (await ourTasks('lapsed-supply')).every(
        (t) => t.basedOn?.[0]?.reference === `CarePlan/${merged.id}`,
      ),
    ).toBe(true);
  });
});

describe('suggestions already covered by an open follow-up', () => {
  it('are not proposed again, and the composer says which ones are already open', async () => {
    // ed-visit: the acute-care follow-up is proposed, and the cohort already has an open Task for it
    await server('ed-visit');
    renderSection('ed-visit');
    const u = user();
    await u.click(
      await screen.findByRole(
        'button',
        { name: /Start peer support|Add follow-up/ },
        { timeout: UI_WAIT_MS },
      ),
    );
    const hint = await screen.findByText(
      /Already open for this person, so not suggested again/,
      {},
      { timeout: UI_WAIT_MS },
    );
    expect(hint.textContent).toMatch(/emergency|hospital|acute/i);
    expect(screen.queryAllByRole('group', { name: /^Follow-up \d/ })).toHaveLength(0);
  });
});
