/**
 * Fault-injection: the peer worklist in jsdom against the in-memory FHIR
 * server. Lost answers on writes, a server that ignores owner:missing or
 * _elements, malformed people, and a search that never answers.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Bundle, FhirResource, Patient, Task } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, vi } from 'vitest';
import { loadWorklist } from '../../src/fhir/worklist';
import { fhirclientTransport } from '../../src/fhir/transport';
import { scopesFor } from '../../src/smart/scopes';
import { TEST_NOW } from '../fixtures/clock';
import { buildCohort } from '../fixtures/cohort/index';
import { startTestFhir, testClient, type TestFhir } from '../msw/fhirServer';
import { isBlank, manualTimer, renderWorklist, stillLoading } from './harness';
import { faultCase } from './recorder';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const cohort = buildCohort(TEST_NOW);
const OWN = 'ed-visit-peer-task-1'; // peer-morales's
const OTHERS = 'fentanyl-detected-peer-task-1'; // peer-baker's
const ME = 'Practitioner/peer-morales';
const patientOf = (key: string) =>
  cohort.patients
    .find((p) => p.key === key)
    ?.resources.find((r) => r.resourceType === 'Patient') as Patient;

let fhir: TestFhir;
const answers: { path: string; body: unknown }[] = [];
beforeAll(async () => {
  fhir = await startTestFhir([
    ...cohort.shared,
    ...cohort.patients.flatMap((p) => p.resources),
  ] as FhirResource[]);
}, IO_TEST_TIMEOUT_MS);
afterAll(() => fhir.close());
let snapshot: Task;
beforeEach(async () => {
  snapshot = await serverTask(OWN);
  fhir.requests.length = 0;
  answers.length = 0;
  // Every answer the browser received, to check what it was given.
  fhir.afterWhen((_m, url, answer) => {
    answers.push({ path: url.pathname, body: answer.body });
    return undefined;
  });
  window.history.replaceState(null, '', '/index.html');
});
afterEach(async () => {
  fhir.clearFailures();
  const { meta: _meta, ...rest } = snapshot;
  await engine('PUT', `/Task/${OWN}`, rest);
});

async function engine(method: string, path: string, body?: unknown, search = '') {
  return fhir.engine.handle(
    { method, path, searchParams: new URLSearchParams(search), headers: {}, body },
    undefined,
  );
}
const serverTask = async (id: string) => (await engine('GET', `/Task/${id}`)).body as Task;
const WAIT = { timeout: 20_000 };
const nameOf = (key: string) => (patientOf(key).name?.[0]?.text ?? '') as string;

async function openOwn() {
  await userEvent.click(await screen.findByRole('button', { name: nameOf('ed-visit') }, WAIT));
  return screen.findByRole('region', { name: `Follow-up with ${nameOf('ed-visit')}` }, WAIT);
}

const attemptsWith = async (note: string) =>
  ((await serverTask(OWN)).output ?? []).filter((o) => o.valueAnnotation?.text?.includes(note))
    .length;

describe('worklist writes whose answer is lost', () => {
  faultCase(
    'task-write-commits-then-500',
    'a contact attempt is stored, but the EHR answers 500',
    async (o) => {
      const note = 'Met at the clinic; next visit booked.';
      let armed = false;
      fhir.afterWhen((m, url) => {
        if (!armed || m !== 'PUT' || !url.pathname.endsWith(`/Task/${OWN}`)) return undefined;
        armed = false;
        return { status: 500 }; // the write is in; its answer is not
      });
      renderWorklist(ME, manualTimer().timer);
      const detail = await openOwn();
      await userEvent.click(within(detail).getByRole('button', { name: 'Accept' }));
      await within(detail).findByText('Saved: accepted.', undefined, WAIT);
      armed = true;
      await userEvent.click(within(detail).getByText('Record a contact attempt…'));
      const form = within(detail).getByRole('form', { name: 'Record a contact attempt' });
      await userEvent.click(within(form).getByRole('radio', { name: 'Reached' }));
      await userEvent.type(within(form).getByLabelText(/What happened/), note);
      await userEvent.click(within(form).getByRole('button', { name: 'Save attempt' }));
      const saved = await within(detail)
        .findByText(/^Saved: in progress/, undefined, WAIT)
        .catch(() => undefined);
      o.sees = saved?.textContent ?? within(detail).queryByRole('alert')?.textContent ?? '';
      o.reached = fhir.requests.filter((r) => /^(PUT|GET) \/Task\//.test(r));
      const n = await attemptsWith(note);
      o.written = `${n} contact attempt(s) with these words`;
      o.doubled = n > 1;
      o.lost = n === 0;
      o.misread = !saved || !/answer was lost/.test(o.sees);
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase(
    'task-write-lost-then-save-again-412',
    'stored but answered 500, the read-back fails too; the peer saves again and meets 412',
    async (o) => {
      const note = 'Reached by phone; feeling steadier.';
      let phase = 0; // 0: accept normally; 1: break the attempt's answer and the read-back once
      fhir.afterWhen((m, url) =>
        phase === 1 && m === 'PUT' && url.pathname.endsWith(`/Task/${OWN}`)
          ? { status: 500 }
          : undefined,
      );
      fhir.failWhen((m, url) =>
        phase === 1 && m === 'GET' && url.pathname.endsWith(`/Task/${OWN}`)
          ? { status: 503 }
          : undefined,
      );
      renderWorklist(ME, manualTimer().timer);
      const detail = await openOwn();
      await userEvent.click(within(detail).getByRole('button', { name: 'Accept' }));
      await within(detail).findByText('Saved: accepted.', undefined, WAIT);
      phase = 1;
      await userEvent.click(within(detail).getByText('Record a contact attempt…'));
      const form = within(detail).getByRole('form', { name: 'Record a contact attempt' });
      await userEvent.click(within(form).getByRole('radio', { name: 'Reached' }));
      await userEvent.type(within(form).getByLabelText(/What happened/), note);
      await userEvent.click(within(form).getByRole('button', { name: 'Save attempt' }));
      const first = await within(detail).findByRole('alert', undefined, WAIT);
      const firstWords = first.textContent ?? '';
      const kept =
        (within(form).getByLabelText(/What happened/) as HTMLTextAreaElement).value === note;
      phase = 2;
      await userEvent.click(within(form).getByRole('button', { name: 'Save attempt' }));
      const saved = await within(detail)
        .findByText(/^Saved: in progress/, undefined, WAIT)
        .catch(() => undefined);
      o.sees = `${firstWords} → ${saved?.textContent ?? within(detail).queryByRole('alert')?.textContent ?? ''}`;
      o.reached = fhir.requests.filter((r) => /^(PUT|GET) \/Task\//.test(r));
      const n = await attemptsWith(note);
      o.written = `${n} contact attempt(s) with these words`;
      o.doubled = n > 1;
      o.lost = n === 0 || !kept;
      o.misread =
        !/saving again is still safe/.test(firstWords) ||
        !saved ||
        /Nothing of yours was saved/.test(o.sees);
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase(
    'task-changed-by-someone-else',
    '412 because another tab recorded an attempt first',
    async (o) => {
      const note = 'Left a voicemail.';
      renderWorklist(ME, manualTimer().timer);
      const detail = await openOwn();
      await userEvent.click(within(detail).getByRole('button', { name: 'Accept' }));
      await within(detail).findByText('Saved: accepted.', undefined, WAIT);
      const now = await serverTask(OWN);
      await engine('PUT', `/Task/${OWN}`, { ...now, status: 'in-progress' });
      await userEvent.click(within(detail).getByText('Record a contact attempt…'));
      const form = within(detail).getByRole('form', { name: 'Record a contact attempt' });
      await userEvent.click(within(form).getByRole('radio', { name: 'Not reached' }));
      await userEvent.type(within(form).getByLabelText(/What happened/), note);
      await userEvent.click(within(form).getByRole('button', { name: 'Save attempt' }));
      const alert = await within(detail).findByRole('alert', undefined, WAIT);
      o.sees = alert.textContent ?? '';
      const n = await attemptsWith(note);
      o.written = `${n} contact attempt(s) with these words`;
      const kept =
        (within(form).getByLabelText(/What happened/) as HTMLTextAreaElement).value === note;
      o.lost = !kept;
      o.doubled = n > 0; // nothing of the peer's is written on a real conflict
      o.misread = !/Someone else changed this follow-up/.test(o.sees);
    },
    IO_TEST_TIMEOUT_MS,
  );
});

describe('minimum necessary', () => {
  faultCase(
    'server-ignores-owner-missing',
    'the unowned search answers every open peer Task (another peer’s too)',
    async (o) => {
      const all = (
        await engine(
          'GET',
          '/Task',
          undefined,
          `status=requested,accepted,in-progress,on-hold&_count=500`,
        )
      ).body as Bundle;
      fhir.failWhen((m, url) =>
        m === 'GET' && url.pathname.endsWith('/Task') && url.searchParams.has('owner:missing')
          ? { status: 200, body: all }
          : undefined,
      );
      const view = renderWorklist(ME, manualTimer().timer);
      await screen.findByRole('table', undefined, WAIT);
      const others = cohort.patients.find((p) => p.key === 'fentanyl-detected');
      const othersPatient = others?.resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
      const peopleAsked = fhir.requests.filter((r) => r.startsWith('GET /Patient?')).join(' ');
      o.sees = within(screen.getByRole('table'))
        .getAllByRole('rowheader')
        .map((h) => h.textContent)
        .join('; ');
      o.reached = fhir.requests.filter((r) => r.startsWith('GET /Patient?'));
      o.leaked =
        peopleAsked.includes(othersPatient) ||
        (view.container.textContent ?? '').includes(nameOf('fentanyl-detected')) ||
        screen.queryAllByRole('button', { name: nameOf('fentanyl-detected') }).length > 0;
      o.misread = !(all.entry ?? []).some((e) => e.resource?.id === OTHERS); // the fault really was sent
    },
    IO_TEST_TIMEOUT_MS,
  );

  faultCase(
    'patient-elements-only',
    'the worklist’s people: what the browser receives and keeps',
    async (o) => {
      const data = await loadWorklist(
        fhirclientTransport(testClient({ fhirUser: ME, scope: scopesFor('worklist', true, 'v2') })),
        ME,
      );
      const received = answers
        .filter((a) => a.path.endsWith('/Patient'))
        .flatMap((a) => ((a.body as Bundle).entry ?? []).map((e) => e.resource as Patient));
      const extra = (p: Patient) =>
        Object.keys(p).filter(
          (k) => !['resourceType', 'id', 'meta', 'name', 'telecom', 'communication'].includes(k),
        );
      o.sees = `${data.patients.length} people, fields kept: ${[...new Set(data.patients.flatMap((p) => Object.keys(p)))].sort().join(', ')}`;
      o.reached = fhir.requests.filter((r) => r.startsWith('GET /Patient?'));
      o.leaked =
        received.some((p) => extra(p).length > 0) ||
        data.patients.some((p) => extra(p).length > 0 || p.meta !== undefined) ||
        answers.some((a) => JSON.stringify(a.body).includes('"birthDate"'));
      o.misread = data.patients.length === 0;
    },
  );

  faultCase(
    'server-ignores-elements',
    'the Patient search answers whole records (the server ignores _elements)',
    async (o) => {
      const whole = cohort.patients.map(
        (p) => p.resources.find((r) => r.resourceType === 'Patient') as Patient,
      );
      fhir.failWhen((m, url) =>
        m === 'GET' && url.pathname.endsWith('/Patient')
          ? {
              status: 200,
              body: {
                resourceType: 'Bundle',
                type: 'searchset',
                entry: whole
                  .filter((p) =>
                    (url.searchParams.get('_id') ?? '').split(',').includes(p.id ?? ''),
                  )
                  .map((resource) => ({ resource, search: { mode: 'match' } })),
              },
            }
          : undefined,
      );
      const data = await loadWorklist(
        fhirclientTransport(testClient({ fhirUser: ME, scope: scopesFor('worklist', true, 'v2') })),
        ME,
      );
      o.sees = `kept: ${[...new Set(data.patients.flatMap((p) => Object.keys(p)))].sort().join(', ')}`;
      o.leaked = data.patients.some(
        (p) => p.identifier || p.birthDate || p.address || p.generalPractitioner,
      );
      o.misread = data.patients.length === 0;
    },
  );
});

describe('malformed people and a search that never answers', () => {
  faultCase('worklist-person-name-object', 'a Patient’s name is an object', async (o) => {
    fhir.afterWhen((m, url, answer) =>
      m === 'GET' && url.pathname.endsWith('/Patient')
        ? {
            status: 200,
            body: {
              ...(answer.body as Bundle),
              entry: ((answer.body as Bundle).entry ?? []).map((e) => ({
                ...e,
                resource: { ...(e.resource as Patient), name: { text: 'Sam' } },
              })),
            },
          }
        : undefined,
    );
    const view = renderWorklist(ME, manualTimer().timer);
    await screen.findByRole('table', undefined, WAIT);
    o.sees = within(screen.getByRole('table'))
      .getAllByRole('rowheader')
      .map((h) => h.textContent)
      .join('; ');
    o.blank = isBlank(view.container);
    o.misread = !/Name could not be read/.test(o.sees);
  });

  faultCase(
    'worklist-task-search-hangs',
    'the peer’s own-Task search never answers',
    async (o) => {
      const t = manualTimer();
      fhir.failWhen((m, url) =>
        m === 'GET' && url.pathname.endsWith('/Task') && url.searchParams.has('owner')
          ? { status: 200, hang: true }
          : undefined,
      );
      const view = renderWorklist(ME, t.timer);
      await waitFor(() => {
        if (!fhir.requests.some((r) => r.startsWith('GET /Task?') && r.includes('owner=')))
          throw new Error('not sent yet');
      }, WAIT);
      t.fire();
      const alert = await screen.findByRole('alert', undefined, WAIT).catch(() => undefined);
      o.sees = alert?.textContent ?? '';
      o.hung = !alert || stillLoading() > 0;
      o.blank = isBlank(view.container);
      o.misread =
        !/did not answer within 20 seconds/.test(o.sees) ||
        !within(alert as HTMLElement).queryByRole('button', { name: 'Try again' });
    },
    IO_TEST_TIMEOUT_MS,
  );
});
