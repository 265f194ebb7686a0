/**
 * One small component per Task action. Each builds a TaskActionInput; the
 * domain (applyTaskAction) decides whether it is allowed and complete, so a
 * refusal ("Give a reason.") is shown here and nothing is sent.
 */
import type { ReactNode } from 'react';
import type { TaskActionInput, TaskActionKind } from '../../domain/tasks';
import { ActionForm, NoteField, OutcomeField, ReasonField, type Draft } from './ActionFields';

interface ActionProps {
  draft: Draft;
  setDraft: (d: Draft) => void;
  submit: (input: TaskActionInput) => void;
  busy: boolean;
}

function OneClick({
  kind,
  label,
  submit,
  busy,
}: Pick<ActionProps, 'submit' | 'busy'> & { kind: TaskActionKind; label: string }) {
  return (
    <button type="button" disabled={busy} onClick={() => submit({ kind })}>
      {label}
    </button>
  );
}

const ClaimAction = (p: ActionProps) => (
  <OneClick kind="claim" label="Claim this follow-up" {...p} />
);
const AcceptAction = (p: ActionProps) => <OneClick kind="accept" label="Accept" {...p} />;
const StartAction = (p: ActionProps) => (
  <OneClick kind="start" label="Start working on it" {...p} />
);
const ResumeAction = (p: ActionProps) => <OneClick kind="resume" label="Resume" {...p} />;

function reasonAction(kind: TaskActionKind, title: string, label: string, button: string) {
  return function ReasonAction({ draft, setDraft, submit, busy }: ActionProps) {
    return (
      <ActionForm
        title={title}
        button={button}
        busy={busy}
        onSubmit={() => submit({ kind, reason: draft.reason })}
      >
        <ReasonField label={label} draft={draft} setDraft={setDraft} />
      </ActionForm>
    );
  };
}

const DeclineAction = reasonAction('decline', 'Decline…', 'Reason for declining', 'Decline');
const HoldAction = reasonAction('hold', 'Put on hold…', 'Reason for the hold', 'Put on hold');
const FailAction = reasonAction(
  'fail',
  'Could not complete…',
  'Why it could not be completed',
  'Close as not completed',
);

function RecordAttemptAction({ draft, setDraft, submit, busy }: ActionProps) {
  return (
    <ActionForm
      title="Record a contact attempt…"
      button="Save attempt"
      busy={busy}
      onSubmit={() => submit({ kind: 'record-attempt', note: draft.note, outcome: draft.outcome })}
    >
      <OutcomeField legend="Outcome of this attempt" draft={draft} setDraft={setDraft} />
      <NoteField label="What happened" required draft={draft} setDraft={setDraft} />
    </ActionForm>
  );
}

function CompleteAction({ draft, setDraft, submit, busy }: ActionProps) {
  return (
    <ActionForm
      title="Complete…"
      button="Complete follow-up"
      busy={busy}
      onSubmit={() => submit({ kind: 'complete', note: draft.note, outcome: draft.outcome })}
    >
      <OutcomeField legend="Outcome" draft={draft} setDraft={setDraft} />
      <NoteField
        label="Note"
        required={draft.outcome === 'other'}
        draft={draft}
        setDraft={setDraft}
      />
    </ActionForm>
  );
}

/** The peer's actions, by table action. Cancel is the requester's word; a peer declines or closes. */
export const PEER_ACTION_COMPONENTS: Partial<
  Record<TaskActionKind, (p: ActionProps) => ReactNode>
> = {
  claim: ClaimAction,
  accept: AcceptAction,
  start: StartAction,
  'record-attempt': RecordAttemptAction,
  complete: CompleteAction,
  resume: ResumeAction,
  hold: HoldAction,
  decline: DeclineAction,
  fail: FailAction,
};
