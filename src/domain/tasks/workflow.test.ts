import type { Reference, Task } from 'fhir/r4';
import { describe, expect, it, vi } from 'vitest';
import { validateAgainstProfiles } from '../../../fhir-profiles/validate';
import { Ctx, peerTask } from '../../../test/fixtures/cohort/builders';
import {
  applyTaskAction,
  availableActions,
  TASK_TRANSITIONS,
  taskAttempts,
  taskOutcome,
  type TaskActionInput,
  type TaskActionKind,
  type TaskStatus,
} from './workflow';
import { CONTACT_OUTCOMES } from './taskCodes';
import { IO_TEST_TIMEOUT_MS } from '../../../test/fixtures/timeouts';

// I/O-heavy: a hang guard sized for a shared 2-core machine (test/fixtures/timeouts.ts).
vi.setConfig({ testTimeout: IO_TEST_TIMEOUT_MS, hookTimeout: IO_TEST_TIMEOUT_MS });

const ME_PRACTITIONER: Reference = { reference: 'Practitioner/peer-a' };
const ME_ROLE: Reference = { reference: 'PractitionerRole/peer-a-role', display: 'Peer A' };
const OTHER_ROLE: Reference = { reference: 'PractitionerRole/peer-b-role' };
const CLINICIAN_ROLE: Reference = { reference: 'PractitionerRole/dr-x-role' };
const NOW = new Date('2025-06-10T15:00:00Z');
const peerCtx = { me: [ME_PRACTITIONER, ME_ROLE], claimAs: ME_ROLE, now: NOW };
const clinicianCtx = { me: [CLINICIAN_ROLE], now: NOW };

const ALL_STATUSES: TaskStatus[] = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
];

/**
 * The expected workflow, written out by hand (not derived from the table under
 * test): action → [from statuses] → to status.
 */
const EXPECTED: Record<TaskActionKind, { from: TaskStatus[]; to: TaskStatus; by: string }> = {
  request: { from: ['draft'], to: 'requested', by: 'requester' },
  'enter-in-error': { from: ['draft', 'requested'], to: 'entered-in-error', by: 'requester' },
  cancel: {
    from: ['draft', 'requested', 'accepted', 'in-progress', 'on-hold'],
    to: 'cancelled',
    by: 'requester',
  },
  claim: { from: ['requested'], to: 'accepted', by: 'claimant' },
  accept: { from: ['requested'], to: 'accepted', by: 'owner' },
  decline: { from: ['requested', 'accepted'], to: 'rejected', by: 'owner' },
  start: { from: ['accepted'], to: 'in-progress', by: 'owner' },
  'record-attempt': { from: ['accepted', 'in-progress'], to: 'in-progress', by: 'owner' },
  complete: { from: ['accepted', 'in-progress'], to: 'completed', by: 'owner' },
  hold: { from: ['accepted', 'in-progress'], to: 'on-hold', by: 'owner' },
  resume: { from: ['on-hold'], to: 'in-progress', by: 'owner' },
  fail: { from: ['accepted', 'in-progress', 'on-hold'], to: 'failed', by: 'owner' },
};

/** Complete inputs for each action, so only the status decides. */
const INPUT: Record<TaskActionKind, TaskActionInput> = {
  request: { kind: 'request' },
  'enter-in-error': { kind: 'enter-in-error' },
  cancel: { kind: 'cancel', reason: 'No longer needed: the person moved to another practice.' },
  claim: { kind: 'claim' },
  accept: { kind: 'accept' },
  decline: { kind: 'decline', reason: 'Caseload full this week.' },
  start: { kind: 'start' },
  'record-attempt': {
    kind: 'record-attempt',
    note: 'Phone call, voicemail left.',
    outcome: 'not-reached',
  },
  complete: { kind: 'complete', outcome: 'reached', note: 'Spoke by phone; visit booked.' },
  hold: { kind: 'hold', reason: 'In hospital this week.' },
  resume: { kind: 'resume' },
  fail: { kind: 'fail', reason: 'Number disconnected; no other contact on record.' },
};

const ctx = new Ctx(new Date('2025-06-10T12:00:00-05:00'), 'pt-1');

function task(status: TaskStatus, who: 'owner' | 'requester' | 'claimant' | 'other'): Task {
  const t = peerTask(ctx, {
    suffix: 'peer-task-1',
    status,
    authoredDaysAgo: 5,
    lastModifiedDaysAgo: 5,
    dueDaysAgo: 3, // overdue on purpose: due dates never block an action
    description: 'Buprenorphine supply ran out 9 days ago: reach out.',
    requester: who === 'requester' ? CLINICIAN_ROLE : { reference: 'PractitionerRole/dr-y-role' },
    owner: who === 'owner' ? ME_ROLE : who === 'claimant' ? undefined : OTHER_ROLE,
    carePlan: { reference: 'CarePlan/pt-1-peer-careplan' },
    reasonCode: 'moud-supply-lapsed',
    reasonDisplay: 'MOUD supply ran out',
    ...(['rejected', 'cancelled', 'on-hold', 'failed'].includes(status)
      ? { statusReason: 'Earlier reason.' }
      : {}),
    ...(status === 'completed' ? { outcome: 'reached' as const } : {}),
  });
  t.meta = { ...t.meta, versionId: '3' };
  return t;
}

const actorCtx = (by: string) => (by === 'requester' ? clinicianCtx : peerCtx);
const setupFor = (by: string) =>
  by === 'requester' ? 'requester' : by === 'claimant' ? 'claimant' : 'owner';

describe('the transition table', () => {
  it('is exactly the expected workflow', () => {
    expect(
      Object.fromEntries(
        TASK_TRANSITIONS.map((t) => [t.action, { from: [...t.from].sort(), to: t.to }]),
      ),
    ).toEqual(
      Object.fromEntries(
        Object.entries(EXPECTED).map(([k, v]) => [k, { from: [...v.from].sort(), to: v.to }]),
      ),
    );
  });

  const cases = (Object.keys(EXPECTED) as TaskActionKind[]).flatMap((action) =>
    ALL_STATUSES.map((from) => ({ action, from, allowed: EXPECTED[action].from.includes(from) })),
  );

  it.each(cases.filter((c) => c.allowed))(
    'allows $action from $from, and the result is a valid PeerFollowUpTask',
    ({ action, from }) => {
      const { by, to } = EXPECTED[action];
      const before = task(from, setupFor(by));
      const result = applyTaskAction(before, INPUT[action], actorCtx(by));
      if (!result.ok) throw new Error(result.refusal.message);
      expect(result.task.status).toBe(to);
      expect(result.task.lastModified).toBe(NOW.toISOString());
      if (['rejected', 'cancelled', 'on-hold', 'failed'].includes(to)) {
        expect(result.task.statusReason?.text).toBe(INPUT[action].reason);
      } else {
        expect(result.task.statusReason).toBeUndefined();
      }
      expect(before.status).toBe(from); // the input is not mutated
      expect(validateAgainstProfiles(result.task)).toEqual([]);
    },
    // the first case loads the profile validator: generous on a busy machine
    30_000,
  );

  it.each(cases.filter((c) => !c.allowed))('refuses $action from $from', ({ action, from }) => {
    const { by } = EXPECTED[action];
    const result = applyTaskAction(task(from, setupFor(by)), INPUT[action], actorCtx(by));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.code).toBe('not-allowed-from-status');
  });

  it('offers exactly the allowed owner actions per status', () => {
    const offered = (s: TaskStatus) =>
      availableActions(task(s, 'owner'), peerCtx.me)
        .map((t) => t.action)
        .sort();
    expect(offered('requested')).toEqual(['accept', 'cancel', 'decline']);
    expect(offered('accepted')).toEqual([
      'cancel',
      'complete',
      'decline',
      'fail',
      'hold',
      'record-attempt',
      'start',
    ]);
    expect(offered('in-progress')).toEqual([
      'cancel',
      'complete',
      'fail',
      'hold',
      'record-attempt',
    ]);
    expect(offered('on-hold')).toEqual(['cancel', 'fail', 'resume']);
    expect(offered('completed')).toEqual([]);
    expect(
      availableActions(task('requested', 'claimant'), peerCtx.me).map((t) => t.action),
    ).toEqual(['claim']);
    expect(availableActions(task('requested', 'other'), peerCtx.me)).toEqual([]);
  });
});

describe('who may act', () => {
  it('refuses owner actions on someone else’s Task', () => {
    for (const action of ['accept', 'decline', 'start', 'complete', 'hold', 'fail'] as const) {
      const r = applyTaskAction(task('accepted', 'other'), INPUT[action], peerCtx);
      expect(r.ok ? 'ok' : r.refusal.code).toBe('not-your-task');
    }
  });
  it('asks to claim an unowned Task before accepting it', () => {
    const r = applyTaskAction(task('requested', 'claimant'), INPUT.accept, peerCtx);
    expect(r.ok ? '' : r.refusal.message).toMatch(/claim it first/);
  });
  it('refuses to claim a Task that has an owner (mine or another’s)', () => {
    for (const who of ['owner', 'other'] as const) {
      const r = applyTaskAction(task('requested', who), INPUT.claim, peerCtx);
      expect(r.ok ? 'ok' : r.refusal.code).toBe('already-owned');
    }
  });
  it('claim makes the user’s role the owner and accepts', () => {
    const r = applyTaskAction(task('requested', 'claimant'), INPUT.claim, peerCtx);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.task.owner).toEqual(ME_ROLE);
    expect(r.task.status).toBe('accepted');
  });
  it('accepts an owner given by absolute URL or by the Practitioner itself', () => {
    const t = task('requested', 'claimant');
    t.owner = { reference: 'http://ehr.example/fhir/PractitionerRole/peer-a-role' };
    expect(applyTaskAction(t, INPUT.accept, peerCtx).ok).toBe(true);
    t.owner = { reference: 'Practitioner/peer-a' };
    expect(applyTaskAction(t, INPUT.accept, peerCtx).ok).toBe(true);
  });
  it('refuses requester actions from a peer who is not the requester', () => {
    const r = applyTaskAction(task('draft', 'owner'), INPUT.request, peerCtx);
    expect(r.ok ? 'ok' : r.refusal.code).toBe('not-your-task');
  });
  it('lets the owner cancel too (clinical-reference §7: cancelled by either)', () => {
    expect(applyTaskAction(task('in-progress', 'owner'), INPUT.cancel, peerCtx).ok).toBe(true);
  });
});

describe('required inputs', () => {
  it.each([
    ['decline', 'reason-required'],
    ['hold', 'reason-required'],
    ['fail', 'reason-required'],
  ] as const)('%s without a reason is refused (%s), blank counts as missing', (action, code) => {
    for (const reason of [undefined, '', '   ']) {
      const r = applyTaskAction(task('accepted', 'owner'), { kind: action, reason }, peerCtx);
      expect(r.ok ? 'ok' : r.refusal.code).toBe(code);
    }
  });
  it('cancel without a reason is refused', () => {
    const r = applyTaskAction(task('requested', 'requester'), { kind: 'cancel' }, clinicianCtx);
    expect(r.ok ? 'ok' : r.refusal.code).toBe('reason-required');
  });
  it('complete without an outcome is refused; an unknown outcome too', () => {
    const t = task('in-progress', 'owner');
    const none = applyTaskAction(t, { kind: 'complete', note: 'x' }, peerCtx);
    expect(none.ok ? 'ok' : none.refusal.code).toBe('outcome-required');
    const bad = applyTaskAction(t, { kind: 'complete', outcome: 'clean' }, peerCtx);
    expect(bad.ok ? 'ok' : bad.refusal.code).toBe('unknown-outcome');
  });
  it('complete with outcome "other" needs a note', () => {
    const r = applyTaskAction(
      task('in-progress', 'owner'),
      { kind: 'complete', outcome: 'other' },
      peerCtx,
    );
    expect(r.ok ? 'ok' : r.refusal.code).toBe('note-required');
  });
  it('a contact attempt needs a note and an outcome', () => {
    const t = task('accepted', 'owner');
    const noNote = applyTaskAction(t, { kind: 'record-attempt', outcome: 'not-reached' }, peerCtx);
    expect(noNote.ok ? 'ok' : noNote.refusal.code).toBe('note-required');
    const noOutcome = applyTaskAction(t, { kind: 'record-attempt', note: 'Called.' }, peerCtx);
    expect(noOutcome.ok ? 'ok' : noOutcome.refusal.code).toBe('outcome-required');
  });
});

describe('what is written', () => {
  it.each(CONTACT_OUTCOMES.map((c) => c.code))(
    'completing with %s writes the contact-outcome output the cohort builder writes',
    (outcome) => {
      const r = applyTaskAction(
        task('in-progress', 'owner'),
        { kind: 'complete', outcome, note: 'Described.' },
        peerCtx,
      );
      if (!r.ok) throw new Error(r.refusal.message);
      const built = peerTask(ctx, {
        suffix: 'x',
        status: 'completed',
        authoredDaysAgo: 1,
        lastModifiedDaysAgo: 1,
        dueDaysAgo: 0,
        description: 'x',
        requester: CLINICIAN_ROLE,
        carePlan: { reference: 'CarePlan/x' },
        reasonCode: 'routine-check-in',
        reasonDisplay: 'x',
        outcome: outcome as 'reached',
      });
      const strip = (o: NonNullable<Task['output']>[number]) => ({
        type: o.type?.coding?.map((c) => [c.system, c.code]),
        value: o.valueCodeableConcept?.coding?.map((c) => [c.system, c.code, c.display]),
      });
      expect(r.task.output?.map(strip)[0]).toEqual(built.output?.map(strip)[0]);
      expect(taskOutcome(r.task)).toBe(outcome);
      expect(validateAgainstProfiles(r.task)).toEqual([]);
    },
  );

  it('an overdue Task can be completed', () => {
    const t = task('accepted', 'owner');
    expect((t.restriction?.period?.end ?? '').slice(0, 10) < NOW.toISOString().slice(0, 10)).toBe(
      true,
    );
    expect(applyTaskAction(t, INPUT.complete, peerCtx).ok).toBe(true);
  });

  it('attempts append contact-attempt notes (with the outcome in words), keeping earlier ones', () => {
    let t = task('accepted', 'owner');
    for (const note of ['First call, no answer.', 'Texted; no reply.']) {
      const r = applyTaskAction(
        t,
        { kind: 'record-attempt', note, outcome: 'not-reached' },
        peerCtx,
      );
      if (!r.ok) throw new Error(r.refusal.message);
      t = r.task;
    }
    expect(t.status).toBe('in-progress');
    expect(taskAttempts(t).map((a) => a.text)).toEqual([
      'Not reached: First call, no answer.',
      'Not reached: Texted; no reply.',
    ]);
    expect(taskAttempts(t)[0]?.authorReference).toEqual(ME_PRACTITIONER);
    expect(taskOutcome(t)).toBeUndefined();
    const done = applyTaskAction(
      t,
      { kind: 'complete', outcome: 'reached', note: 'Spoke.' },
      peerCtx,
    );
    if (!done.ok) throw new Error(done.refusal.message);
    expect(taskAttempts(done.task)).toHaveLength(3);
    expect(taskOutcome(done.task)).toBe('reached');
    expect(validateAgainstProfiles(done.task)).toEqual([]);
  });

  it('completing twice is refused, and replacing an outcome never duplicates it', () => {
    const r = applyTaskAction(task('completed', 'owner'), INPUT.complete, peerCtx);
    expect(r.ok).toBe(false);
  });

  it('resume drops the hold reason', () => {
    const r = applyTaskAction(task('on-hold', 'owner'), INPUT.resume, peerCtx);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.task.statusReason).toBeUndefined();
  });
});
