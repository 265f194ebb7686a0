/**
 * The peer follow-up Task workflow (HL7 SDOH Clinical Care pattern,
 * clinical-reference §7) as ONE transition table, and `applyTaskAction`, which
 * turns an action on a Task into the updated Task or a typed refusal.
 *
 * Who may act: the requester (draft → requested, → entered-in-error, cancel);
 * the owner, i.e. the Task's owner is the user's Practitioner or one of their
 * PractitionerRoles (accept, decline, start, attempts, complete, hold, resume,
 * fail, cancel); anyone with peer access may claim a Task that has no owner.
 * Overdue Tasks can still be completed: due dates never block an action.
 */
import type { Annotation, Reference, Task } from 'fhir/r4';
import {
  contactOutcomeCoding,
  contactOutcomeDisplay,
  isContactOutcome,
  isOutputOfType,
  outputsOfType,
  outputType,
} from './taskCodes';

export type TaskStatus = Task['status'];

export type TaskActionKind =
  | 'request'
  | 'enter-in-error'
  | 'cancel'
  | 'claim'
  | 'accept'
  | 'decline'
  | 'start'
  | 'record-attempt'
  | 'complete'
  | 'hold'
  | 'resume'
  | 'fail';

/** requester: Task.requester is the user; owner: Task.owner is the user; claimant: Task has no owner. */
type Actor = 'requester' | 'owner' | 'claimant';
type Requirement = 'reason' | 'note' | 'outcome';

interface Transition {
  action: TaskActionKind;
  by: readonly Actor[];
  from: readonly TaskStatus[];
  to: TaskStatus;
  needs: readonly Requirement[];
  /** Words for buttons and headings. */
  label: string;
}

const OPEN: readonly TaskStatus[] = ['draft', 'requested', 'accepted', 'in-progress', 'on-hold'];

/**
 * A Task whose work is not finished, whoever set its status: also `received`
 * and `ready`, which this app never sets but other systems may.
 */
export const OPEN_TASK_STATUSES: ReadonlySet<string> = new Set([...OPEN, 'received', 'ready']);

/** THE table. Anything not in it is refused. */
// prettier-ignore
export const TASK_TRANSITIONS: readonly Transition[] = [
  { action: 'request', by: ['requester'], from: ['draft'], to: 'requested', needs: [], label: 'Send request' },
  { action: 'enter-in-error', by: ['requester'], from: ['draft', 'requested'], to: 'entered-in-error', needs: [], label: 'Mark entered in error' },
  // clinical-reference §7: "cancelled by either".
  { action: 'cancel', by: ['requester', 'owner'], from: OPEN, to: 'cancelled', needs: ['reason'], label: 'Cancel' },
  { action: 'claim', by: ['claimant'], from: ['requested'], to: 'accepted', needs: [], label: 'Claim' },
  { action: 'accept', by: ['owner'], from: ['requested'], to: 'accepted', needs: [], label: 'Accept' },
  { action: 'decline', by: ['owner'], from: ['requested', 'accepted'], to: 'rejected', needs: ['reason'], label: 'Decline' },
  { action: 'start', by: ['owner'], from: ['accepted'], to: 'in-progress', needs: [], label: 'Start' },
  { action: 'record-attempt', by: ['owner'], from: ['accepted', 'in-progress'], to: 'in-progress', needs: ['note', 'outcome'], label: 'Record a contact attempt' },
  { action: 'complete', by: ['owner'], from: ['accepted', 'in-progress'], to: 'completed', needs: ['outcome'], label: 'Complete' },
  { action: 'hold', by: ['owner'], from: ['accepted', 'in-progress'], to: 'on-hold', needs: ['reason'], label: 'Put on hold' },
  { action: 'resume', by: ['owner'], from: ['on-hold'], to: 'in-progress', needs: [], label: 'Resume' },
  { action: 'fail', by: ['owner'], from: ['accepted', 'in-progress', 'on-hold'], to: 'failed', needs: ['reason'], label: 'Could not complete' },
];

/** Statuses that must carry statusReason (profile invariant pft-1). */
const STATUS_NEEDS_REASON: ReadonlySet<TaskStatus> = new Set([
  'rejected',
  'cancelled',
  'on-hold',
  'failed',
]);

export interface TaskActionInput {
  kind: TaskActionKind;
  /** statusReason (decline, cancel, hold, fail). */
  reason?: string;
  /** A contact attempt note (record-attempt; optional on complete). */
  note?: string;
  /** A contact-outcome code. */
  outcome?: string;
}

interface TaskActionContext {
  /** References that are the user: their Practitioner and PractitionerRoles. */
  me: readonly Reference[];
  /** Who becomes the owner on claim (normally the user's peer PractitionerRole). */
  claimAs?: Reference;
  now: Date;
}

type RefusalCode =
  | 'not-allowed-from-status'
  | 'not-your-task'
  | 'already-owned'
  | 'reason-required'
  | 'note-required'
  | 'outcome-required'
  | 'unknown-outcome';

export interface TaskRefusal {
  code: RefusalCode;
  message: string;
}

type TaskActionResult = { ok: true; task: Task } | { ok: false; refusal: TaskRefusal };

function transitionFor(kind: TaskActionKind): Transition {
  const t = TASK_TRANSITIONS.find((x) => x.action === kind);
  if (!t) throw new Error(`No transition for ${kind}`);
  return t;
}

/** "Practitioner/x" from a relative or absolute reference (history suffix dropped). */
export function normalizeReference(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const m = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

function isMe(ref: Reference | undefined, me: readonly Reference[]): boolean {
  const r = normalizeReference(ref?.reference);
  return r !== undefined && me.some((m) => normalizeReference(m.reference) === r);
}

/** The roles the user plays on this Task. */
export function actorsFor(task: Task, me: readonly Reference[]): Set<Actor> {
  const out = new Set<Actor>();
  if (isMe(task.requester, me)) out.add('requester');
  if (!task.owner?.reference) out.add('claimant');
  else if (isMe(task.owner, me)) out.add('owner');
  return out;
}

/** The actions the user may take on this Task now (what the UI offers). */
export function availableActions(task: Task, me: readonly Reference[]): Transition[] {
  const actors = actorsFor(task, me);
  return TASK_TRANSITIONS.filter(
    (t) => t.from.includes(task.status) && t.by.some((a) => actors.has(a)),
  );
}

const REQUIRED_WORDS: Record<Requirement, [RefusalCode, string]> = {
  reason: ['reason-required', 'Give a reason.'],
  note: ['note-required', 'Write a note on the attempt.'],
  outcome: ['outcome-required', 'Choose an outcome.'],
};

const refuse = (code: RefusalCode, message: string): TaskActionResult => ({
  ok: false,
  refusal: { code, message },
});

export function applyTaskAction(
  task: Task,
  input: TaskActionInput,
  ctx: TaskActionContext,
): TaskActionResult {
  const t = transitionFor(input.kind);
  const actors = actorsFor(task, ctx.me);
  if (!t.by.some((a) => actors.has(a))) {
    if (t.by.includes('claimant')) {
      return refuse('already-owned', 'This Task already has an owner, so it cannot be claimed.');
    }
    if (t.by.includes('owner') && actors.has('claimant')) {
      return refuse('not-your-task', 'This Task has no owner yet: claim it first.');
    }
    return refuse(
      'not-your-task',
      t.by.includes('owner')
        ? 'This Task is assigned to someone else.'
        : 'Only the person who requested this Task can do that.',
    );
  }
  if (!t.from.includes(task.status)) {
    return refuse(
      'not-allowed-from-status',
      `“${t.label}” is not possible while the Task is ${statusWords(task.status)}.`,
    );
  }
  const reason = input.reason?.trim() ?? '';
  const note = input.note?.trim() ?? '';
  const outcome = input.outcome?.trim() ?? '';
  const given: Record<Requirement, boolean> = {
    reason: reason !== '',
    note: note !== '',
    outcome: outcome !== '',
  };
  for (const need of t.needs) {
    if (!given[need]) {
      const [code, message] = REQUIRED_WORDS[need];
      return refuse(code, message);
    }
  }
  const outcomeCode = isContactOutcome(outcome) ? outcome : undefined;
  if (outcome && !outcomeCode) {
    return refuse('unknown-outcome', `“${outcome}” is not a contact outcome.`);
  }
  // "Other" means "described in a note" (contact-outcome CodeSystem).
  if (input.kind === 'complete' && outcome === 'other' && !note) {
    return refuse('note-required', 'Describe the outcome in a note when it is “Other”.');
  }

  const now = ctx.now.toISOString();
  const next: Task = { ...task, status: t.to, lastModified: now };
  if (STATUS_NEEDS_REASON.has(t.to)) next.statusReason = { text: reason };
  else delete next.statusReason;

  if (input.kind === 'claim') {
    const owner = ctx.claimAs ?? ctx.me[0];
    if (!owner)
      return refuse('not-your-task', 'The app does not know who you are, so it cannot claim.');
    next.owner = owner;
  }

  // Annotation.author may be a Practitioner, not a PractitionerRole (R4).
  const author = ctx.me.find((r) => normalizeReference(r.reference)?.startsWith('Practitioner/'));
  const attempt = (text: string): NonNullable<Task['output']>[number] => {
    const annotation: Annotation = { time: now, text };
    if (author?.reference) annotation.authorReference = author;
    return { type: outputType('contact-attempt-note'), valueAnnotation: annotation };
  };
  if (input.kind === 'record-attempt') {
    // The contactOutcome output slice is 0..1 and means the final outcome, so
    // an attempt's outcome is written into its note, as the cohort writes them.
    next.output = [...(task.output ?? []), attempt(`${contactOutcomeDisplay(outcome)}: ${note}`)];
  }
  if (input.kind === 'complete' && outcomeCode) {
    const kept = (task.output ?? []).filter((o) => !isOutputOfType(o.type, 'contact-outcome'));
    next.output = [
      {
        type: outputType('contact-outcome'),
        valueCodeableConcept: { coding: [contactOutcomeCoding(outcomeCode)] },
      },
      ...kept,
      ...(note ? [attempt(note)] : []),
    ];
  }
  return { ok: true, task: next };
}

/** The status on its own, as a label: "Waiting to be accepted". */
export function statusLabel(status: TaskStatus): string {
  const words = statusWords(status);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The status inside a sentence: "while the Task is waiting to be accepted". */
export function statusWords(status: TaskStatus): string {
  switch (status) {
    case 'draft':
      return 'a draft';
    case 'requested':
      return 'waiting to be accepted';
    case 'received':
      return 'received';
    case 'accepted':
      return 'accepted';
    case 'rejected':
      return 'declined';
    case 'ready':
      return 'ready';
    case 'cancelled':
      return 'cancelled';
    case 'in-progress':
      return 'in progress';
    case 'on-hold':
      return 'on hold';
    case 'failed':
      return 'closed without completion';
    case 'completed':
      return 'completed';
    case 'entered-in-error':
      return 'entered in error';
  }
}

/** The recorded outcome code, if any. */
export function taskOutcome(task: Task): string | undefined {
  const out = outputsOfType(task, 'contact-outcome')[0];
  return out?.valueCodeableConcept?.coding?.find((c) => isContactOutcome(c.code))?.code;
}

/** Contact attempt notes, oldest first. */
export function taskAttempts(task: Task): Annotation[] {
  return outputsOfType(task, 'contact-attempt-note').flatMap((o) =>
    o.valueAnnotation ? [o.valueAnnotation] : [],
  );
}
