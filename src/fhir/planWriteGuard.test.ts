import type { CarePlan, Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import {
  PEER_ACTIVITIES,
  planWrite,
  type BuildContext,
  type PeerPlanDraft,
} from '../domain/peerPlan';
import { FOLLOW_UP_REASON_SYSTEM } from '../domain/followUps';
import {
  businessKeyMode,
  duplicateReasons,
  guardDraft,
  matchedCreates,
  reportMatches,
  withBusinessKeys,
} from './planWriteGuard';
import { capabilitiesFrom } from './capabilities';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const draft = (reasons: string[]): PeerPlanDraft => ({
  version: 1,
  patientId: 'p1',
  createdAt: '2025-01-01T00:00:00Z',
  ids: { carePlan: id(1), careTeam: id(2), write: id(3) },
  goals: [],
  activities: PEER_ACTIVITIES.map((a, i) => ({ code: a.code, selected: i === 0, description: '' })),
  peer: { reference: 'PractitionerRole/peer', display: 'Jordan Morales' },
  tasks: reasons.map((reason, i) => ({
    id: id(10 + i),
    reason,
    context: 'x',
    priority: 'routine',
    due: '2025-01-08',
  })),
});
const ctx = (d: PeerPlanDraft): BuildContext => ({
  draft: d,
  user: { reference: 'Practitioner/me' },
  now: new Date('2025-01-01T12:00:00Z'),
  app: { name: 'app', version: '1' },
});
const PEER_CATEGORY = {
  coding: [
    {
      system: 'https://peer-recovery.example.org/fhir/CodeSystem/careplan-category',
      code: 'peer-recovery-support',
    },
  ],
};
const plan = (pid: string, identifier?: string): CarePlan & { id: string } => ({
  resourceType: 'CarePlan',
  id: pid,
  meta: { versionId: '3' },
  status: 'active',
  intent: 'plan',
  subject: { reference: 'Patient/p1' },
  category: [PEER_CATEGORY],
  created: '2025-01-01T11:58:00Z',
  author: { reference: 'Practitioner/colleague' },
  ...(identifier
    ? {
        identifier: [
          { system: 'https://peer-recovery.example.org/fhir/sid/careplan', value: identifier },
        ],
      }
    : {}),
});
const openTask = (reason: string, identifier?: string): Task => ({
  resourceType: 'Task',
  id: `t-${reason}`,
  status: 'requested',
  intent: 'order',
  reasonCode: { coding: [{ system: FOLLOW_UP_REASON_SYSTEM, code: reason }] },
  ...(identifier
    ? {
        identifier: [
          { system: 'https://peer-recovery.example.org/fhir/sid/task', value: identifier },
        ],
      }
    : {}),
});

describe('guardDraft', () => {
  it('adds to a colleague’s plan instead of starting another, and leaves out reasons already open', () => {
    const { ctx: out, report } = guardDraft(
      ctx(draft(['missed-visit', 'visit-overdue'])),
      { plans: [plan('theirs')], openTasks: [openTask('missed-visit')] },
      're-read',
    );
    expect(out.existing).toEqual({ plan: plan('theirs'), etag: 'W/"3"' });
    expect(out.draft.tasks.map((t) => t.reason)).toEqual(['visit-overdue']);
    expect(report).toMatchObject({
      otherPlan: { id: 'theirs', created: '2025-01-01T11:58:00Z' },
      covered: ['missed-visit'],
      alreadyWritten: false,
    });
    expect(planWrite(out).mode).toBe('add-to-plan');
  });

  it('recognises what an earlier attempt of the same draft wrote (not someone else’s)', () => {
    const d = draft(['missed-visit']);
    const { ctx: out, report } = guardDraft(
      ctx(d),
      { plans: [plan('mine', id(1))], openTasks: [openTask('missed-visit', id(10))] },
      're-read',
    );
    expect(report.otherPlan).toBe(undefined);
    expect(report.covered).toEqual([]);
    expect(report.alreadyWritten).toBe(true);
    expect(report.ownPlan).toBe(true);
    expect(out.draft.tasks).toEqual([]);
  });

  it('changes nothing when the patient has no plan and no open follow-up', () => {
    const c = ctx(draft(['missed-visit']));
    const { ctx: out, report } = guardDraft(c, { plans: [], openTasks: [] }, 'conditional-create');
    expect(out.draft).toEqual(c.draft);
    expect(report).toEqual({ mode: 'conditional-create', covered: [], alreadyWritten: false });
  });
});

describe('business keys', () => {
  it('the plan’s and each follow-up’s create carry the business key; the reason travels as a tag', () => {
    const write = withBusinessKeys(planWrite(ctx(draft(['missed-visit']))), 'p1');
    const byType = (t: string) => write.entries.find((e) => e.resource.resourceType === t);
    expect(byType('CarePlan')?.request).toMatchObject({
      method: 'POST',
      ifNoneExist:
        'patient=Patient%2Fp1&status=active&category=https%3A%2F%2Fpeer-recovery.example.org%2Ffhir%2FCodeSystem%2Fcareplan-category|peer-recovery-support',
    });
    const task = byType('Task');
    expect(task?.request).toMatchObject({
      ifNoneExist: expect.stringMatching(
        /^patient=Patient%2Fp1&status=[a-z,-]*requested[a-z,-]*&_tag=https%3A%2F%2F.*followup-reason\|missed-visit$/,
      ),
    });
    expect(task?.resource.meta?.tag).toContainEqual({
      system: FOLLOW_UP_REASON_SYSTEM,
      code: 'missed-visit',
    });
    // CareTeam and Provenance keep their own (draft-id) keys
    expect(byType('Provenance')?.request).toMatchObject({
      ifNoneExist: expect.stringMatching(/^_tag=/),
    });
  });

  it('a create the server answers 200 matched what was there: reported as another’s plan / covered', () => {
    const write = planWrite(ctx(draft(['missed-visit'])));
    const response = {
      entry: write.entries.map((e) => ({
        response: { status: e.resource.resourceType === 'CareTeam' ? '201 Created' : '200 OK' },
      })),
    };
    const matched = matchedCreates(write.entries, response);
    const planUrl =
      write.entries.find((e) => e.resource.resourceType === 'CarePlan')?.fullUrl ?? '';
    const report = reportMatches(
      { mode: 'conditional-create', covered: [], alreadyWritten: false },
      write,
      matched,
      new Map([[planUrl, 'CarePlan/theirs']]),
    );
    expect(report).toMatchObject({
      matchedAtWrite: true,
      otherPlan: { id: 'theirs' },
      covered: ['missed-visit'],
    });
  });

  it('conditional create only where the server advertises it for CarePlan and Task', () => {
    const cs = (types: string[]) =>
      capabilitiesFrom({
        resourceType: 'CapabilityStatement',
        status: 'active',
        date: '2025',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['json'],
        rest: [
          { mode: 'server', resource: types.map((type) => ({ type, conditionalCreate: true })) },
        ],
      } as never);
    expect(businessKeyMode(cs(['CarePlan', 'Task']))).toBe('conditional-create');
    expect(businessKeyMode(cs(['CarePlan']))).toBe('re-read');
    expect(businessKeyMode(undefined)).toBe('re-read');
  });

  it('two follow-ups with one reason are refused in the form', () => {
    expect(duplicateReasons(draft(['missed-visit', 'missed-visit']))).toEqual([
      expect.stringMatching(/^Two follow-ups have the same reason \(Missed visit\)/),
    ]);
    expect(duplicateReasons(draft(['missed-visit', 'visit-overdue']))).toEqual([]);
  });
});
