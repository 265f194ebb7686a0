import type { Bundle, CarePlan, CareTeam, FhirResource, Provenance, Task } from 'fhir/r4';
import { describe, expect, it, vi } from 'vitest';
import { validateAgainstProfiles } from '../../../fhir-profiles/validate';
import { SandboxFhirServer } from '../../../test/sandbox/fhir';
import type { FollowUp } from '../followUps/followUps';
import {
  draftFromFollowUps,
  draftProblems,
  MAX_TASKS_PER_WRITE,
  peerPlanDraftSchema,
  type PeerPlanDraft,
} from './draft';
import { planAsText } from './narrative';
import { findActivePeerPlan } from './plans';
import { IDENTIFIER_SYSTEM, mergeIntoPlan, type BuildContext } from './resources';
import {
  batchBundle,
  batchSteps,
  planWrite,
  resolveReferences,
  responseReference,
  scopesNeeded,
  transactionBundle,
} from './writePlan';
import { IO_TEST_TIMEOUT_MS } from '../../../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const NOW = new Date('2025-03-12T14:00:00Z');
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

const followUp = (code: string, over: Partial<FollowUp> = {}): FollowUp => ({
  code,
  reason: { system: 'x', code },
  text: 'Buprenorphine supply ran out 9 days ago.',
  action: 'Contact within 3 days.',
  priority: 'urgent',
  dueDay: 0,
  due: '2025-03-15',
  triggerDay: 0,
  evidence: [],
  ...over,
});

function draft(): PeerPlanDraft {
  const d = draftFromFollowUps({
    patientId: 'p1',
    followUps: [followUp('moud-supply-lapsed'), followUp('missed-visit', { priority: 'routine' })],
    now: NOW,
    newId,
  });
  return {
    ...d,
    peer: { reference: 'PractitionerRole/peer-morales-role', display: 'Jordan Morales' },
  };
}

const ctx = (d: PeerPlanDraft, over: Partial<BuildContext> = {}): BuildContext => ({
  draft: d,
  user: { reference: 'Practitioner/dr-okafor', display: 'Dr. Adaeze Okafor' },
  now: NOW,
  oudCondition: { reference: 'Condition/oud' },
  mmeFactorSet: 'cdc-2022',
  app: { name: 'Peer Recovery SMART app', version: '0.1.0' },
  ...over,
});

const existingPlan = (): CarePlan & { id: string } => ({
  resourceType: 'CarePlan',
  id: 'plan1',
  meta: { versionId: '3' },
  status: 'active',
  intent: 'plan',
  created: '2025-01-01',
  subject: { reference: 'Patient/p1' },
  category: [
    {
      coding: [
        {
          system: 'https://peer-recovery.example.org/fhir/CodeSystem/careplan-category',
          code: 'peer-recovery-support',
        },
      ],
    },
  ],
  activity: [
    {
      detail: {
        kind: 'ServiceRequest',
        status: 'in-progress',
        code: {
          coding: [
            {
              system: 'https://peer-recovery.example.org/fhir/CodeSystem/peer-activity',
              code: 'regular-peer-contact',
            },
          ],
        },
      },
    },
  ],
});

describe('draft', () => {
  it('is pre-filled from the follow-up proposals, skipping ones with an open Task', () => {
    const d = draftFromFollowUps({
      patientId: 'p1',
      followUps: [
        followUp('moud-supply-lapsed'),
        followUp('missed-visit', { openTask: 'Task/t9' }),
      ],
      now: NOW,
      newId,
    });
    expect(d.tasks).toHaveLength(1);
    expect(d.tasks[0]).toMatchObject({
      reason: 'moud-supply-lapsed',
      priority: 'urgent',
      due: '2025-03-15',
    });
    expect(d.tasks[0]?.context).toContain('ran out');
    expect(d.activities.filter((a) => a.selected).map((a) => a.code)).toContain(
      'regular-peer-contact',
    );
    // family involvement only where the person wants it: never pre-selected
    expect(d.activities.find((a) => a.code === 'family-involvement')?.selected).toBe(false);
    expect(peerPlanDraftSchema.safeParse(d).success).toBe(true);
    expect(new Set([d.ids.carePlan, d.ids.careTeam, d.ids.write, d.tasks[0]?.id]).size).toBe(4);
  });

  it('caps the proposals at what one write can carry', () => {
    const many = [
      'moud-supply-lapsed',
      'missed-visit',
      'visit-overdue',
      'naloxone-needed',
      'rapid-taper',
      'peer-contact-gap',
      'moud-start',
    ];
    const d = draftFromFollowUps({
      patientId: 'p1',
      followUps: many.map((c) => followUp(c)),
      now: NOW,
      newId,
    });
    expect(d.tasks).toHaveLength(MAX_TASKS_PER_WRITE);
  });

  it('reports what blocks writing', () => {
    const d = draftFromFollowUps({ patientId: 'p1', followUps: [], now: NOW, newId });
    const problems = draftProblems({
      ...d,
      activities: d.activities.map((a) => ({ ...a, selected: false })),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Choose the peer recovery specialist.',
        'Choose at least one activity.',
        'Add at least one follow-up.',
      ]),
    );
    const bad = draft();
    bad.tasks[0]!.context = '  ';
    bad.tasks[0]!.reason = 'not-a-reason';
    expect(draftProblems(bad).join(' ')).toMatch(/Follow-up 1 reason/);
    expect(draftProblems(draft())).toEqual([]);
  });
});

describe('transaction bundle for a new plan', () => {
  const d = draft();
  const write = planWrite(ctx(d));
  const bundle = transactionBundle(write);

  it('writes CareTeam, CarePlan, Tasks and one Provenance with conditional creates', () => {
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual([
      'CareTeam',
      'CarePlan',
      'Task',
      'Task',
      'Provenance',
    ]);
    for (const e of bundle.entry ?? []) {
      expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(e.request?.method).toBe('POST');
      expect(e.request?.ifNoneExist).toBeTruthy();
    }
    expect(bundle.entry?.[1]?.request?.ifNoneExist).toBe(
      `identifier=${encodeURIComponent(IDENTIFIER_SYSTEM.carePlan)}|${d.ids.carePlan}`,
    );
    expect(bundle.entry?.[2]?.request?.ifNoneExist).toContain(d.tasks[0]!.id);
    expect(bundle.entry?.[4]?.request?.ifNoneExist).toMatch(/^_tag=.*\|/);
  });

  it('links everything inside the bundle by urn:uuid', () => {
    const [team, plan, t1, , prov] = (bundle.entry ?? []).map((e) => e.resource) as [
      CareTeam,
      CarePlan,
      Task,
      Task,
      Provenance,
    ];
    expect(plan.careTeam?.[0]?.reference).toBe(bundle.entry?.[0]?.fullUrl);
    expect(t1.basedOn?.[0]?.reference).toBe(bundle.entry?.[1]?.fullUrl);
    expect(prov.target.map((t) => t.reference)).toEqual([
      ...(bundle.entry ?? []).slice(0, 4).map((e) => e.fullUrl),
      'Patient/p1',
    ]);
    expect(team.participant?.[0]?.member?.reference).toBe('PractitionerRole/peer-morales-role');
    expect(plan.author?.reference).toBe('Practitioner/dr-okafor');
    expect(plan.addresses?.[0]?.reference).toBe('Condition/oud');
    expect(plan.meta?.tag?.[0]).toMatchObject({ code: 'cdc-2022' });
    expect(plan.text?.div).toContain('Jordan Morales');
    expect(t1).toMatchObject({
      status: 'requested',
      intent: 'order',
      for: { reference: 'Patient/p1' },
      owner: { reference: 'PractitionerRole/peer-morales-role' },
      requester: { reference: 'Practitioner/dr-okafor' },
      restriction: { period: { end: '2025-03-15' } },
      authoredOn: NOW.toISOString(),
    });
    // agent = the user, and the app as a contained Device
    expect(prov.agent.map((a) => a.who?.reference)).toEqual(['Practitioner/dr-okafor', '#app']);
    expect(prov.contained?.[0]).toMatchObject({ resourceType: 'Device', id: 'app' });
  });

  it('reuses the patient’s CareTeam when the peer was chosen from it', () => {
    const d2 = { ...d, peer: { ...d.peer!, careTeam: 'CareTeam/ct1' } };
    const w = planWrite(ctx(d2));
    expect(w.entries.map((e) => e.resource.resourceType)).not.toContain('CareTeam');
    expect((w.entries[0]?.resource as CarePlan).careTeam?.[0]?.reference).toBe('CareTeam/ct1');
  });

  it('escapes the narrative', () => {
    const d2 = { ...d, goals: [{ id: newId(), text: '<script>x</script> & more' }] };
    const plan = planWrite(ctx(d2)).entries[1]?.resource as CarePlan;
    expect(plan.text?.div).not.toContain('<script>');
    expect(plan.text?.div).toContain('&#60;script&#62;');
  });

  it('conforms: every resource written validates against base R4 and the profiles', () => {
    // As stored: the server replaces urn:uuid references with its own ids
    // (Medplum's validator rejects a urn:uuid where a typed reference is expected).
    const asStored = new Map(
      write.entries.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.fullUrl.slice(9, 17)}`]),
    );
    for (const e of write.entries) {
      const resource = resolveReferences(e.resource as FhirResource, asStored);
      expect(validateAgainstProfiles(resource), e.resource.resourceType).toEqual([]);
    }
  });
});

describe('adding to an existing plan', () => {
  it('adds Tasks based on the plan and updates it with If-Match only when activities are added', () => {
    const d = draft();
    const onlyTasks = {
      ...d,
      goals: [],
      activities: d.activities.map((a) => ({ ...a, selected: a.code === 'regular-peer-contact' })),
    };
    const w1 = planWrite(ctx(onlyTasks, { existing: { plan: existingPlan(), etag: 'W/"3"' } }));
    expect(w1.mode).toBe('add-to-plan');
    expect(w1.planUpdated).toBe(false);
    expect(w1.entries.map((e) => e.resource.resourceType)).toEqual(['Task', 'Task', 'Provenance']);
    expect((w1.entries[0]?.resource as Task).basedOn?.[0]?.reference).toBe('CarePlan/plan1');

    // no known version: the plan is left as it is (no blind PUT), the Tasks are still added
    const w0 = planWrite(ctx(d, { existing: { plan: existingPlan() } }));
    expect(w0.planUpdated).toBe(false);
    expect(w0.planNotUpdated).toBe('no-version');
    expect(w0.entries.some((e) => e.request.method === 'PUT')).toBe(false);
    expect(w0.entries.filter((e) => e.resource.resourceType === 'Task').length).toBeGreaterThan(0);

    const w2 = planWrite(ctx(d, { existing: { plan: existingPlan(), etag: 'W/"3"' } }));
    expect(w2.planUpdated).toBe(true);
    const put = w2.entries[0];
    expect(put?.request).toEqual({ method: 'PUT', url: 'CarePlan/plan1', ifMatch: 'W/"3"' });
    const plan = put?.resource as CarePlan;
    const codes = plan.activity?.map((a) => a.detail?.code?.coding?.[0]?.code);
    expect(codes?.filter((c) => c === 'regular-peer-contact')).toHaveLength(1);
    expect(codes).toContain('harm-reduction-naloxone');
    expect(plan.meta?.tag?.some((t) => t.code === 'cdc-2022')).toBe(true);
    const stored = new Map(
      w2.entries.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.fullUrl.slice(9, 17)}`]),
    );
    for (const e of w2.entries)
      if (e.resource.resourceType !== 'CarePlan')
        expect(
          validateAgainstProfiles(resolveReferences(e.resource as FhirResource, stored)),
        ).toEqual([]);
  });

  it('merging twice adds nothing the second time', () => {
    const d = draft();
    const once = mergeIntoPlan(existingPlan(), d, {});
    expect(once.changed).toBe(true);
    expect(mergeIntoPlan(once.plan, d, {}).changed).toBe(false);
  });

  it('finds the active peer-support plan, not other plans', () => {
    const other: CarePlan = { ...existingPlan(), id: 'x', category: [{ text: 'diet' }] };
    const done: CarePlan = { ...existingPlan(), id: 'y', status: 'completed' };
    expect(findActivePeerPlan([other, done, existingPlan()])?.id).toBe('plan1');
    expect(findActivePeerPlan([other, done])).toBeUndefined();
  });
});

describe('batch variant', () => {
  it('orders batches by dependency and resolves references from earlier responses', () => {
    const write = planWrite(ctx(draft()));
    const steps = batchSteps(write);
    expect(steps.map((s) => s.map((e) => e.resource.resourceType))).toEqual([
      ['CareTeam'],
      ['CarePlan'],
      ['Task', 'Task'],
      ['Provenance'],
    ]);
    const resolved = new Map([[write.entries[0]!.fullUrl, 'CareTeam/ct9']]);
    const b = batchBundle(steps[1]!, resolved);
    expect(b.type).toBe('batch');
    expect((b.entry?.[0]?.resource as CarePlan).careTeam?.[0]?.reference).toBe('CareTeam/ct9');
    expect(b.entry?.[0]?.request?.ifNoneExist).toContain('identifier=');
    expect(b.entry?.[0]?.fullUrl).toBeUndefined();
  });

  it('reads Type/id from a response entry', () => {
    expect(
      responseReference({
        response: { status: '201', location: 'http://x/fhir/Task/abc/_history/1' },
      }),
    ).toBe('Task/abc');
    expect(
      responseReference({
        response: { status: '200' },
        resource: { resourceType: 'Task', id: 't', status: 'requested', intent: 'order' },
      }),
    ).toBe('Task/t');
    expect(
      resolveReferences(
        {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          basedOn: [{ reference: 'urn:uuid:a' }],
        },
        new Map([['urn:uuid:a', 'CarePlan/1']]),
      ).basedOn?.[0]?.reference,
    ).toBe('CarePlan/1');
  });
});

describe('scopes and text fallback', () => {
  it('lists the create and update permissions a write needs', () => {
    expect(scopesNeeded(planWrite(ctx(draft())))).toEqual([
      { resourceType: 'CareTeam', permission: 'c' },
      { resourceType: 'CarePlan', permission: 'c' },
      { resourceType: 'Task', permission: 'c' },
      { resourceType: 'Provenance', permission: 'c' },
    ]);
  });

  it('gives the plan as plain text', () => {
    const text = planAsText(draft(), 'new-plan');
    expect(text).toContain('Peer recovery specialist: Jordan Morales');
    expect(text).toMatch(/MOUD supply ran out — urgent, due 2025-03-15/);
  });
});

describe('against the in-memory FHIR engine', () => {
  async function engine() {
    const e = new SandboxFhirServer({
      fhirBase: 'http://ehr.test/fhir',
      authorizeUrl: 'http://ehr.test/auth',
      tokenUrl: 'http://ehr.test/token',
      resourceTypes: ['Patient', 'CarePlan', 'CareTeam', 'Task', 'Provenance', 'PractitionerRole'],
    });
    await e.load({ resourceType: 'Patient', id: 'p1' });
    return e;
  }
  const post = (e: SandboxFhirServer, body: Bundle) =>
    e.handle(
      {
        method: 'POST',
        path: '',
        searchParams: new URLSearchParams(),
        headers: {},
        body: structuredClone(body),
      },
      undefined,
    );
  const count = async (e: SandboxFhirServer, type: string) =>
    (await e.repo.searchResources({ resourceType: type as 'Task' })).length;

  it('the same transaction sent twice writes one of each', async () => {
    const e = await engine();
    const bundle = transactionBundle(planWrite(ctx(draft())));
    expect((await post(e, bundle)).status).toBe(200);
    expect((await post(e, bundle)).status).toBe(200);
    expect(await count(e, 'CarePlan')).toBe(1);
    expect(await count(e, 'CareTeam')).toBe(1);
    expect(await count(e, 'Task')).toBe(2);
    expect(await count(e, 'Provenance')).toBe(1);
    const [task] = (await e.repo.searchResources({ resourceType: 'Task' })) as unknown as Task[];
    const [plan] = await e.repo.searchResources({ resourceType: 'CarePlan' });
    expect(task?.basedOn?.[0]?.reference).toBe(`CarePlan/${plan?.id}`);
    // what the server stored conforms too
    for (const type of ['CarePlan', 'CareTeam', 'Task', 'Provenance'] as const)
      for (const r of await e.repo.searchResources({ resourceType: type }))
        expect(validateAgainstProfiles(r as FhirResource), type).toEqual([]);
  });

  it('the batch steps, sent twice, write one of each', async () => {
    const e = await engine();
    const write = planWrite(ctx(draft()));
    for (let run = 0; run < 2; run++) {
      const resolved = new Map<string, string>();
      for (const step of batchSteps(write)) {
        const res = await post(e, batchBundle(step, resolved));
        expect(res.status).toBe(200);
        (res.body as Bundle).entry?.forEach((entry, i) => {
          expect(Number.parseInt(entry.response?.status ?? '', 10)).toBeLessThan(300);
          resolved.set(step[i]!.fullUrl, responseReference(entry)!);
        });
      }
    }
    expect(await count(e, 'CarePlan')).toBe(1);
    expect(await count(e, 'Task')).toBe(2);
    expect(await count(e, 'Provenance')).toBe(1);
  });
});
