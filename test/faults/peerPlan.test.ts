/**
 * Fault-injection: the peer-support write when two clinicians write at once,
 * when one writes from a composer opened before the other's write, and when
 * a write commits but its answer is lost. Counted on the server: active
 * peer-support plans and open follow-ups per reason.
 */
import type { Bundle, CarePlan, FhirResource, Task } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, describe, vi } from 'vitest';
import {
  isPeerSupportPlan,
  PEER_ACTIVITIES,
  type BuildContext,
  type PeerPlanDraft,
} from '../../src/domain/peerPlan';
import { etagOf } from '../../src/fhir/read';
import { reasonOf, type BusinessKeyMode } from '../../src/fhir/planWriteGuard';
import { fhirclientTransport } from '../../src/fhir/transport';
import { writtenMessage } from '../../src/features/peerPlan/writeMessage';
import { writePeerPlan } from '../../src/fhir/planWrite';
import { otherPlanFacts } from '../../src/fhir/planWriteGuard';
import { describeFhirError, FhirError } from '../../src/fhir/errors';
import { TEST_NOW } from '../fixtures/clock';
import { buildCohort } from '../fixtures/cohort/index';
import { startTestFhir, testClient, type TestFhir } from '../msw/fhirServer';
import { faultCase } from './recorder';
import { IO_TEST_TIMEOUT_MS } from '../fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const cohort = buildCohort(TEST_NOW);
let fhir: TestFhir;
beforeAll(async () => {
  fhir = await startTestFhir([
    ...cohort.shared,
    ...cohort.patients.flatMap((p) => p.resources),
  ] as FhirResource[]);
}, IO_TEST_TIMEOUT_MS);
afterAll(() => fhir.close());
afterEach(() => {
  fhir.clearFailures();
  fhir.requests.length = 0;
});

const send = () =>
  fhirclientTransport(testClient({ scope: 'launch openid fhirUser patient/*.cruds user/*.cruds' }));
const uuid = () => crypto.randomUUID();

function draft(patientId: string, reasons: string[]): PeerPlanDraft {
  return {
    version: 1,
    patientId,
    createdAt: TEST_NOW.toISOString(),
    ids: { carePlan: uuid(), careTeam: uuid(), write: uuid() },
    goals: [{ id: uuid(), text: 'Stay connected with treatment.' }],
    activities: PEER_ACTIVITIES.map((a, i) => ({ code: a.code, selected: i < 2, description: '' })),
    peer: { reference: 'PractitionerRole/peer-morales-role', display: 'Jordan Morales' },
    tasks: reasons.map((reason) => ({
      id: uuid(),
      reason,
      context: `Follow up: ${reason}.`,
      priority: 'routine' as const,
      due: new Date(TEST_NOW.getTime() + 7 * 86_400_000).toISOString().slice(0, 10),
    })),
  };
}

function ctx(d: PeerPlanDraft, who: string, existing?: CarePlan & { id: string }): BuildContext {
  return {
    draft: d,
    user: { reference: `Practitioner/${who}` },
    now: TEST_NOW,
    ...(existing ? { existing: { plan: existing, etag: etagOf(existing) } } : {}),
    app: { name: 'Peer Recovery SMART app', version: '0.1.0' },
  };
}

async function onServer(patientId: string) {
  const get = async (type: string, q: string) =>
    (
      (
        (
          await fhir.engine.handle(
            {
              method: 'GET',
              path: `/${type}`,
              searchParams: new URLSearchParams(q),
              headers: {},
              body: undefined,
            },
            undefined,
          )
        ).body as Bundle
      ).entry ?? []
    ).map((e) => e.resource as FhirResource);
  const plans = (
    (await get('CarePlan', `patient=Patient/${patientId}&status=active`)) as CarePlan[]
  ).filter(isPeerSupportPlan);
  const tasks = (await get(
    'Task',
    `patient=Patient/${patientId}&status=draft,requested,accepted,in-progress,on-hold,received,ready`,
  )) as Task[];
  const perReason = new Map<string, number>();
  for (const t of tasks) {
    const r = reasonOf(t);
    if (r) perReason.set(r, (perReason.get(r) ?? 0) + 1);
  }
  return { plans, tasks, perReason };
}

const counts = (s: Awaited<ReturnType<typeof onServer>>) =>
  `${s.plans.length} active peer-support plan(s); open follow-ups per reason: ${[...s.perReason].map(([r, n]) => `${r} ×${n}`).join(', ')}`;
const doubled = (s: Awaited<ReturnType<typeof onServer>>) =>
  s.plans.length > 1 || [...s.perReason.values()].some((n) => n > 1);

describe('two clinicians, one patient', () => {
  for (const mode of ['conditional-create'] as BusinessKeyMode[]) {
    faultCase(
      `plan-two-clinicians-at-once`,
      'two clinicians write a peer-support plan for the same patient at the same moment',
      async (o) => {
        const patient = 'taper-rapid';
        const a = draft(patient, ['rapid-taper', 'missed-visit']);
        const b = draft(patient, ['rapid-taper', 'visit-overdue']);
        const results = await Promise.all([
          writePeerPlan(send(), ctx(a, 'dr-okafor'), true, mode),
          writePeerPlan(send(), ctx(b, 'dr-lindqvist'), true, mode),
        ]);
        const second = results.find((r) => r.guard.otherPlan) ?? results[1];
        const secondDraft = second === results[0] ? a : b;
        const other = await otherPlanFacts(send(), second.guard);
        const message = writtenMessage(second, secondDraft, TEST_NOW, other);
        const s = await onServer(patient);
        o.sees = message;
        o.written = counts(s);
        o.reached = fhir.requests.filter((r) => r.startsWith('POST'));
        o.doubled = doubled(s);
        o.lost = !s.perReason.get('missed-visit') || !s.perReason.get('visit-overdue');
        o.misread =
          !/A peer-support plan was written just now by (Adaeze Okafor|Erik Lindqvist)[^,]*, [A-Z]+, so a second one was not started\./.test(
            message,
          ) || !/rapid|taper/i.test(message);
      },
      IO_TEST_TIMEOUT_MS,
    );
  }

  const servers = [
    { id: '', what: '', patient: 'no-moud-no-opioids', bareIdsMatchNothing: false },
    {
      id: '-strict-server',
      what: ', on a server where a bare-id reference search matches nothing (Medplum)',
      patient: 'injectable-buprenorphine',
      bareIdsMatchNothing: true,
    },
  ];
  for (const server of servers) {
    faultCase(
      `plan-composer-opened-before-other-write${server.id}`,
      `a clinician writes from a composer opened before a colleague’s plan was written${server.what}`,
      async (o) => {
        fhir.engine.behaviour.bareIdReferencesMatchNothing = server.bareIdsMatchNothing;
        try {
          const { patient } = server;
          const first = draft(patient, ['missed-visit']);
          // The second composer opened now, when no plan existed.
          const second = draft(patient, ['missed-visit', 'visit-overdue']);
          await writePeerPlan(send(), ctx(first, 'dr-okafor'), true, 're-read');
          const result = await writePeerPlan(send(), ctx(second, 'dr-lindqvist'), true, 're-read');
          const other = await otherPlanFacts(send(), result.guard);
          const message = writtenMessage(result, second, TEST_NOW, other);
          const s = await onServer(patient);
          o.sees = message;
          o.written = counts(s);
          o.reached = fhir.requests.filter((r) => r.startsWith('GET /CarePlan?'));
          o.doubled = doubled(s);
          o.lost = s.perReason.get('visit-overdue') !== 1;
          o.misread =
            !/A peer-support plan was written just now by Adaeze Okafor, MD, so a second one was not started\. Your 1 follow-up for Jordan Morales was added to it\./.test(
              message,
            ) || !/Already covered by open follow-ups, so not added again: .*missed/i.test(message);
        } finally {
          fhir.engine.behaviour.bareIdReferencesMatchNothing = false;
        }
      },
      IO_TEST_TIMEOUT_MS,
    );
  }
});

describe('a write whose answer is lost', () => {
  for (const useTransaction of [true, false]) {
    faultCase(
      useTransaction ? 'plan-transaction-commits-then-500' : 'plan-batches-partly-written-then-500',
      useTransaction
        ? 'the transaction is written but answered 500; the clinician presses Retry'
        : 'a server without transactions: the Task batch is written but answered 500; Retry',
      async (o) => {
        const patient = useTransaction ? 'methadone-otp' : 'naltrexone-xr';
        const d = draft(patient, ['visit-overdue', 'missed-visit']);
        let armed = true;
        fhir.afterWhen((m, url, answer) => {
          if (!armed || m !== 'POST' || url.pathname !== '/fhir/') return undefined;
          const entries = (answer.body as Bundle).entry ?? [];
          const tasks = entries.some((e) => e.resource?.resourceType === 'Task');
          if (!tasks) return undefined;
          armed = false;
          return { status: 500 };
        });
        const first = await writePeerPlan(
          send(),
          ctx(d, 'dr-okafor'),
          useTransaction,
          're-read',
        ).then(
          () => 'written',
          (e: unknown) => (e instanceof FhirError ? describeFhirError(e) : String(e)),
        );
        const retry = await writePeerPlan(send(), ctx(d, 'dr-okafor'), useTransaction, 're-read');
        const message = writtenMessage(retry, d, TEST_NOW);
        const s = await onServer(patient);
        o.sees = `${first} → Retry: ${message}`;
        o.written = counts(s);
        o.doubled = doubled(s);
        o.lost =
          s.plans.length !== 1 ||
          s.perReason.get('visit-overdue') !== 1 ||
          s.perReason.get('missed-visit') !== 1;
        o.misread = first === 'written' || /second one/.test(message);
      },
      IO_TEST_TIMEOUT_MS,
    );
  }
});
