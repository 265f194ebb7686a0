import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FhirResource, Patient, Task } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateAgainstProfiles } from '../../../fhir-profiles/validate';
import { buildCohort } from '../../../test/fixtures/cohort/index';
import { TEST_NOW } from '../../../test/fixtures/clock';
import { startTestFhir, testClient, type TestFhir } from '../../../test/msw/fhirServer';
import { fhirclientTransport } from '../../fhir/transport';
import { loadWorklist } from '../../fhir/worklist';
import { scopesFor } from '../../smart/scopes';
import { sessionFromClient } from '../../smart/session';
import { formatName } from '../../ui/PatientBanner';
import { ClockContext, fixedClock } from '../session/clock';
import { SessionContext } from '../session/SessionContext';
import { WorklistScreen } from './WorklistScreen';
import { IO_TEST_TIMEOUT_MS, UI_WAIT_MS } from '../../../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

// peer-morales owns ed-visit's Task (requested, due tomorrow); lapsed-supply's
// Task (requested, due in 3 days) has no owner; peer-baker owns two others.
const cohort = buildCohort(TEST_NOW);
const OWN = 'ed-visit-peer-task-1';
const CLAIMABLE = 'lapsed-supply-peer-task-1';
/** The name as the app shows it (the Patient's own name text). */
const name = (key: string) =>
  formatName(
    (
      cohort.patients
        .find((p) => p.key === key)
        ?.resources.find((r) => r.resourceType === 'Patient') as Patient
    ).name,
  );
const form = (detail: HTMLElement, title: string) =>
  within(detail).getByRole('form', { name: title });

let fhir: TestFhir;
beforeAll(async () => {
  const resources: FhirResource[] = [
    ...cohort.shared,
    ...cohort.patients.flatMap((p) => p.resources),
  ];
  // Like Medplum: a bare id in a reference search matches nothing (the app sends typed ones).
  fhir = await startTestFhir(resources, { bareIdReferencesMatchNothing: true });
});
afterAll(() => fhir.close());
let snapshot: Map<string, Task>;
beforeEach(async () => {
  snapshot = new Map();
  for (const id of [OWN, CLAIMABLE]) snapshot.set(id, await serverTask(id));
  fhir.requests.length = 0;
  window.history.replaceState(null, '', '/index.html');
});
afterEach(async () => {
  fhir.clearFailures();
  // put the two Tasks back as they were
  for (const [id, t] of snapshot) {
    const { meta: _meta, ...rest } = t;
    await fhir.engine.handle(
      {
        method: 'PUT',
        path: `/Task/${id}`,
        searchParams: new URLSearchParams(),
        headers: {},
        body: rest,
      },
      undefined,
    );
  }
});

async function serverTask(id: string): Promise<Task> {
  const res = await fhir.engine.handle(
    {
      method: 'GET',
      path: `/Task/${id}`,
      searchParams: new URLSearchParams(),
      headers: {},
      body: undefined,
    },
    undefined,
  );
  return res.body as Task;
}

function renderAs(fhirUser: string) {
  const client = testClient({ fhirUser, scope: scopesFor('worklist', true, 'v2') });
  const session = sessionFromClient(client);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  render(
    <QueryClientProvider client={queryClient}>
      <ClockContext.Provider value={fixedClock(TEST_NOW)}>
        <SessionContext.Provider value={{ session, send: fhirclientTransport(client) }}>
          <WorklistScreen />
        </SessionContext.Provider>
      </ClockContext.Provider>
    </QueryClientProvider>,
  );
}

const rowNames = () =>
  within(screen.getByRole('table'))
    .getAllByRole('rowheader')
    .map((h) => h.textContent);

async function openTask(patientKey: string) {
  await userEvent.click(await screen.findByRole('button', { name: name(patientKey) }));
  return screen.findByRole('region', { name: `Follow-up with ${name(patientKey)}` });
}

describe('the peer worklist', () => {
  it('shows own and claimable Tasks, soonest due first, in 4 requests over 3 rounds', async () => {
    renderAs('Practitioner/peer-morales');
    await screen.findByRole('table');
    expect(rowNames()).toEqual([name('ed-visit'), name('lapsed-supply')]);
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows[1]?.textContent).toMatch(/Routine.*Due tomorrow/);
    expect(rows[2]?.textContent).toMatch(/Due in 3 days.*Unclaimed/);
    const headers = within(screen.getByRole('table'))
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(headers).toEqual(['Person', 'Priority', 'Reason', 'Due', 'Status']);
    // Round 1: roles + unowned Tasks; round 2: Tasks owned by the user or their roles;
    // round 3: their people, only the elements shown (was _include=Task:patient: whole records).
    expect(fhir.requests).toHaveLength(4);
    // typed: a bare id matches nothing on servers such as Medplum
    const roleSearch = fhir.requests.find((r) => r.startsWith('GET /PractitionerRole?'));
    expect(
      new URLSearchParams(roleSearch?.slice('GET /PractitionerRole?'.length)).get('practitioner'),
    ).toBe('Practitioner/peer-morales');
    const taskSearches = fhir.requests.filter((r) => r.startsWith('GET /Task?'));
    expect(taskSearches).toHaveLength(2);
    for (const r of taskSearches) expect(r).not.toContain('_include');
    const people = fhir.requests.filter((r) => r.startsWith('GET /Patient?'));
    expect(people).toHaveLength(1);
    expect(new URLSearchParams(people[0]?.slice('GET /Patient?'.length)).get('_elements')).toBe(
      'name,telecom,communication',
    );
    const params = taskSearches.map((r) => new URLSearchParams(r.slice('GET /Task?'.length)));
    expect(params.map((p) => p.get('owner:missing'))).toContain('true');
    expect(params.map((p) => p.get('owner')).filter(Boolean)).toEqual([
      'Practitioner/peer-morales,PractitionerRole/peer-morales-role',
    ]);
  });

  it("never downloads another peer's Task or that person's record", async () => {
    const client = testClient({
      fhirUser: 'Practitioner/peer-morales',
      scope: scopesFor('worklist', true, 'v2'),
    });
    const data = await loadWorklist(fhirclientTransport(client), 'Practitioner/peer-morales');
    const ids = data.tasks.map((t) => t.task.id);
    expect(ids).toContain(OWN);
    expect(ids).toContain(CLAIMABLE);
    // fentanyl-detected's Task is owned by peer-baker
    expect(ids).not.toContain('fentanyl-detected-peer-task-1');
    for (const { task } of data.tasks) {
      const owner = task.owner?.reference;
      expect([
        undefined,
        'PractitionerRole/peer-morales-role',
        'Practitioner/peer-morales',
      ]).toContain(owner);
    }
    const patientIds = new Set(data.patients.map((p) => p.id));
    const fentanylPatient = cohort.patients
      .find((p) => p.key === 'fentanyl-detected')
      ?.resources.find((r) => r.resourceType === 'Patient');
    expect(fentanylPatient?.id).toBeTruthy();
    expect(patientIds.has(fentanylPatient?.id)).toBe(false);
    expect(data.requests).toBe(4);
    // and of the people it shows, only what it shows: no MRN, birth date or GP
    for (const p of data.patients)
      expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['id', 'name', 'resourceType']));
    for (const p of data.patients) {
      expect(p.identifier).toBe(undefined);
      expect(p.birthDate).toBe(undefined);
      expect(p.generalPractitioner).toBe(undefined);
      expect(p.address).toBe(undefined);
    }
  });

  it('puts the most urgent first and says the priority in words', async () => {
    // lapsed-supply's Task is due later than ed-visit's, but now 'asap'
    const { meta: _meta, ...claimable } = await serverTask(CLAIMABLE);
    await fhir.engine.handle(
      {
        method: 'PUT',
        path: `/Task/${CLAIMABLE}`,
        searchParams: new URLSearchParams(),
        headers: {},
        body: { ...claimable, priority: 'asap' },
      },
      undefined,
    );
    renderAs('Practitioner/peer-morales');
    await screen.findByRole('table');
    expect(rowNames()).toEqual([name('lapsed-supply'), name('ed-visit')]);
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows[1]?.textContent).toMatch(/As soon as possible/);
    expect(rows[2]?.textContent).toMatch(/Routine/);
    const detail = await openTask('lapsed-supply');
    expect(within(detail).getByText('As soon as possible')).toBeTruthy();
    // the Task's description ("why") is in the detail
    expect(within(detail).getByText('Why')).toBeTruthy();
  });

  it('accepts an absolute fhirUser URL', async () => {
    renderAs('http://ehr.test/fhir/Practitioner/peer-baker');
    await screen.findByRole('table');
    expect(rowNames()).toEqual([
      name('fentanyl-detected'),
      name('lapsed-supply'),
      name('new-start'),
    ]);
  });

  it('keeps the status filter in the query string, without patient data', async () => {
    renderAs('Practitioner/peer-morales');
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('checkbox', { name: /Waiting to be accepted/ }));
    expect(new URLSearchParams(window.location.search).get('status')).toBe(
      'accepted,in-progress,on-hold',
    );
    expect(screen.getByText('No follow-ups match the statuses chosen above.')).toBeTruthy();
    expect(window.location.href).not.toMatch(/ed-visit|lapsed/);
    await userEvent.click(screen.getByRole('checkbox', { name: /Waiting to be accepted/ }));
    expect(window.location.search).toBe('');
  });

  it('reads the filter from the URL on load', async () => {
    window.history.replaceState(null, '', '/index.html?status=in-progress');
    renderAs('Practitioner/peer-baker');
    await screen.findByRole('table');
    expect(rowNames()).toEqual([name('new-start')]);
  });

  it('shows the detail: contact, reason and context, due date, the plan', async () => {
    renderAs('Practitioner/peer-morales');
    const detail = await openTask('ed-visit');
    expect(detail.textContent).toMatch(/Emergency or inpatient visit/);
    expect(detail.textContent).toMatch(/check in, support follow-up/);
    expect(within(detail).getByRole('link', { name: /555-/ })).toBeTruthy();
    expect(detail.textContent).toMatch(/Preferred contact/);
    await within(detail).findByText(/Check-ins with the peer recovery specialist/);
    // minimum necessary: no clinical summary in the peer view
    expect(screen.queryByText(/Treatment engagement|MME|drug test/i)).toBeNull();
  });

  it('accepts with If-Match, and the server has it', async () => {
    renderAs('Practitioner/peer-morales');
    const detail = await openTask('ed-visit');
    await userEvent.click(within(detail).getByRole('button', { name: 'Accept' }));
    await within(detail).findByText('Saved: accepted.');
    expect((await serverTask(OWN)).status).toBe('accepted');
    const put = fhir.requests.find((r) => r.startsWith('PUT /Task/'));
    expect(put).toBeDefined();
  });

  it('refuses to decline without a reason, and sends nothing', async () => {
    renderAs('Practitioner/peer-morales');
    const detail = await openTask('ed-visit');
    await userEvent.click(within(detail).getByText('Decline…'));
    await userEvent.click(within(detail).getByRole('button', { name: 'Decline' }));
    expect((await within(detail).findByRole('alert')).textContent).toBe('Give a reason.');
    expect(fhir.requests.filter((r) => r.startsWith('PUT'))).toEqual([]);
    await userEvent.type(within(detail).getByLabelText(/Reason for declining/), 'Caseload full.');
    await userEvent.click(within(detail).getByRole('button', { name: 'Decline' }));
    await waitFor(async () => expect((await serverTask(OWN)).status).toBe('rejected'));
    expect((await serverTask(OWN)).statusReason?.text).toBe('Caseload full.');
  });

  it('claims an unowned Task, then completes it with an outcome (a valid PeerFollowUpTask)', async () => {
    renderAs('Practitioner/peer-morales');
    const detail = await openTask('lapsed-supply');
    await userEvent.click(within(detail).getByRole('button', { name: 'Claim this follow-up' }));
    await within(detail).findByText('Saved: accepted.');
    await userEvent.click(within(detail).getByText('Complete…'));
    const complete = form(detail, 'Complete');
    await userEvent.click(within(complete).getByRole('button', { name: 'Complete follow-up' }));
    expect((await within(detail).findByRole('alert')).textContent).toBe('Choose an outcome.');
    await userEvent.click(within(complete).getByRole('radio', { name: 'Reached' }));
    await userEvent.type(
      within(complete).getByLabelText(/^Note/),
      'Spoke by phone; visit rebooked.',
    );
    await userEvent.click(within(complete).getByRole('button', { name: 'Complete follow-up' }));
    await within(detail).findByText('Saved: completed — Reached.');
    const t = await serverTask(CLAIMABLE);
    expect(t.status).toBe('completed');
    expect(t.owner?.reference).toBe('PractitionerRole/peer-morales-role');
    expect(validateAgainstProfiles(t)).toEqual([]);
  });

  it('on 412 reloads, says what changed, keeps the unsaved note, and saves on re-apply', async () => {
    renderAs('Practitioner/peer-morales');
    const detail = await openTask('ed-visit');
    await userEvent.click(within(detail).getByRole('button', { name: 'Accept' }));
    await within(detail).findByText('Saved: accepted.');
    // Meanwhile, the same peer in another tab starts it and records an attempt.
    const other = await serverTask(OWN);
    await fhir.engine.handle(
      {
        method: 'PUT',
        path: `/Task/${OWN}`,
        searchParams: new URLSearchParams(),
        headers: {},
        body: {
          ...other,
          status: 'in-progress',
          output: [
            {
              type: {
                coding: [
                  {
                    system: 'https://peer-recovery.example.org/fhir/CodeSystem/task-output-type',
                    code: 'contact-attempt-note',
                  },
                ],
              },
              valueAnnotation: { text: 'Not reached: voicemail (other tab).' },
            },
          ],
        },
      },
      undefined,
    );
    await userEvent.click(within(detail).getByText('Record a contact attempt…'));
    const attempt = form(detail, 'Record a contact attempt');
    await userEvent.click(within(attempt).getByRole('radio', { name: 'Reached' }));
    const note = 'Spoke at the pharmacy; will come Tuesday.';
    await userEvent.type(within(attempt).getByLabelText(/What happened/), note);
    await userEvent.click(within(attempt).getByRole('button', { name: 'Save attempt' }));
    const alert = await within(detail).findByRole('alert');
    expect(alert.textContent).toMatch(/Someone else changed this follow-up/);
    expect(alert.textContent).toMatch(/status: accepted → in-progress/);
    expect(alert.textContent).toMatch(/1 new note/);
    expect((within(detail).getByLabelText(/What happened/) as HTMLTextAreaElement).value).toBe(
      note,
    );
    expect(fhir.requests.filter((r) => r.startsWith('PUT'))).toHaveLength(2);
    // re-apply on the current version: both notes kept
    await userEvent.click(within(detail).getByRole('button', { name: 'Save attempt' }));
    await within(detail).findByText('Saved: in progress.');
    const texts = ((await serverTask(OWN)).output ?? []).map((o) => o.valueAnnotation?.text);
    expect(texts).toEqual(['Not reached: voicemail (other tab).', `Reached: ${note}`]);
  });

  it('says so when the worklist cannot be loaded, and retries', async () => {
    fhir.failWhen((m, url) => (url.pathname.endsWith('/Task') ? { status: 503 } : undefined));
    renderAs('Practitioner/peer-morales');
    const alert = await screen.findByRole('alert', undefined, { timeout: UI_WAIT_MS });
    expect(alert.textContent).toMatch(/could not be loaded.*EHR had a problem/);
    fhir.clearFailures();
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table');
  });
});
