import type { CarePlan, FhirResource, Patient, Task } from 'fhir/r4';
import { useEffect, useRef, useState } from 'react';
import { contactOutcomeDisplay } from '../../domain/tasks';
import {
  availableActions,
  statusLabel,
  statusWords,
  taskAttempts,
  taskOutcome,
  type TaskActionInput,
  type TaskActionKind,
} from '../../domain/tasks';
import type { WorklistRow } from '../../domain/tasks';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { outcomeUnknown } from '../../fhir/taskWriteGuard';
import type { WorklistUser } from '../../fhir/worklist';
import { ErrorBoundary } from '../../ui/ErrorBoundary';
import { formatName } from '../../ui/PatientBanner';
import {
  conceptText,
  contacts,
  dateText,
  preferredLanguage,
  text,
  type Contact as ContactPoint,
} from '../../ui/safeFields';
import type { Draft } from './ActionFields';
import { PEER_ACTION_COMPONENTS } from './actions';
import { RefusedError, useCarePlan, useTaskAction } from './useWorklist';

/**
 * One follow-up: who, how to reach them, why, by when, the plan's goals, what
 * has happened so far, and the actions the table allows. Minimum necessary:
 * no clinical summary here.
 */
export function TaskDetail({
  row,
  user,
  canUpdate,
}: {
  row: WorklistRow;
  user: WorklistUser;
  canUpdate: boolean;
}) {
  const { task, patient } = row;
  // One draft per action, so a note typed for an attempt is not mixed with a hold reason.
  const [drafts, setDrafts] = useState<Partial<Record<TaskActionKind, Draft>>>({});
  const [saved, setSaved] = useState<string | undefined>();
  const { mutation, conflict } = useTaskAction(row, user);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [task.id]);

  const submit = (input: TaskActionInput) => {
    setSaved(undefined);
    mutation.mutate(input, {
      onSuccess: (result) => {
        setDrafts((d) => ({ ...d, [input.kind]: {} }));
        setSaved(
          savedWords(result.resource) +
            (result.recovered
              ? ' (The EHR’s answer was lost; the app read the follow-up back and found your change saved, once.)'
              : ''),
        );
      },
    });
  };
  const actions = availableActions(task, user.me).filter((t) => PEER_ACTION_COMPONENTS[t.action]);
  const error = mutation.error;
  const unsaved = Object.values(drafts)
    .map((d) => d.note?.trim() || d.reason?.trim())
    .find(Boolean);
  const name = patient ? formatName(patient.name) : 'Name not available';

  return (
    <section className="worklist-detail" aria-labelledby="worklist-detail-heading">
      <h2 id="worklist-detail-heading" ref={heading} tabIndex={-1}>
        Follow-up with {name}
      </h2>
      <dl className="worklist-facts">
        <dt>Priority</dt>
        <dd>{row.priority.label}</dd>
        <dt>Reason</dt>
        <dd>{reasonText(task)}</dd>
        {text(task.description) && (
          <>
            <dt>Why</dt>
            <dd>{text(task.description)}</dd>
          </>
        )}
        <dt>Due</dt>
        <dd>
          {row.due.text}
          {dateText(task.restriction?.period?.end)
            ? ` (${dateText(task.restriction?.period?.end)})`
            : ''}
        </dd>
        <dt>Status</dt>
        <dd>
          {statusLabel(task.status)}
          {conceptText(task.statusReason) ? ` — ${conceptText(task.statusReason)}` : ''}
          {row.claimable ? ' — not yet claimed' : ''}
        </dd>
      </dl>
      <ErrorBoundary what="How to reach them">
        <Contact patient={patient} />
      </ErrorBoundary>
      <ErrorBoundary what="The plan’s goals">
        <PlanGoals
          reference={text(Array.isArray(task.basedOn) ? task.basedOn[0]?.reference : undefined)}
        />
      </ErrorBoundary>
      <ErrorBoundary what="The contact history">
        <History task={task} />
      </ErrorBoundary>

      <h3>Record what happened</h3>
      {!canUpdate ? (
        <p>
          The EHR did not give the app permission to update Tasks, so this follow-up is read-only.
        </p>
      ) : actions.length === 0 ? (
        <p>Nothing more to record on this follow-up.</p>
      ) : (
        <div className="worklist-actions">
          {actions.map((t) => {
            const Action = PEER_ACTION_COMPONENTS[t.action];
            return Action ? (
              <Action
                key={t.action}
                draft={drafts[t.action] ?? {}}
                setDraft={(d) => setDrafts((prev) => ({ ...prev, [t.action]: d }))}
                submit={submit}
                busy={mutation.isPending}
              />
            ) : null;
          })}
        </div>
      )}
      <div aria-live="polite">
        {mutation.isPending && <p aria-busy="true">Saving…</p>}
        {saved && !mutation.isPending && <p className="worklist-saved">{saved}</p>}
      </div>
      {conflict ? (
        <div role="alert" className="worklist-conflict">
          <p>
            <strong>Someone else changed this follow-up while you were working.</strong> Nothing of
            yours was saved. What changed:
          </p>
          <ul>
            {conflict.changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <p>
            The follow-up now shows the current version.
            {unsaved
              ? ' Your unsaved words are still in the form: check them and apply again.'
              : ' Check it and apply again if it still makes sense.'}
          </p>
          {unsaved && actions.length === 0 && (
            <p>
              Your unsaved note: <q>{unsaved}</q>
            </p>
          )}
        </div>
      ) : error instanceof RefusedError ? (
        <p role="alert" className="worklist-error">
          {error.refusal.message}
        </p>
      ) : error ? (
        <p role="alert" className="worklist-error">
          Not saved.{' '}
          {error instanceof FhirError ? describeFhirError(error, 'worklist') : 'Try again.'}
          {error instanceof FhirError && outcomeUnknown(error)
            ? ' If the EHR did save it, saving again is still safe: the same words are never stored twice.'
            : error instanceof FhirError && error.kind === 'auth' && unsaved
              ? ' What you typed is still in the form: copy it before you open the app again.'
              : ''}
        </p>
      ) : null}
    </section>
  );
}

function savedWords(t: Task): string {
  const outcome = taskOutcome(t);
  if (t.status === 'completed' && outcome)
    return `Saved: completed — ${contactOutcomeDisplay(outcome)}.`;
  return `Saved: ${statusWords(t.status)}.`;
}

function reasonText(t: Task): string {
  return conceptText(t.reasonCode) ?? 'Peer follow-up';
}

const USE_WORDS: Record<string, string> = {
  mobile: 'mobile',
  home: 'home',
  work: 'work',
  temp: 'temporary',
};

function Contact({ patient }: { patient: Patient | undefined }) {
  if (!patient) {
    return (
      <>
        <h3>How to reach them</h3>
        <p>The person’s contact details could not be read from the EHR.</p>
      </>
    );
  }
  const ranked = contacts(patient.telecom);
  const phones = ranked.filter((t) => t.system === 'phone' || t.system === 'sms');
  const preferred = ranked[0];
  const language = preferredLanguage(patient.communication);
  return (
    <>
      <h3>How to reach them</h3>
      <dl className="worklist-facts">
        <dt>Phone</dt>
        <dd>
          {phones.length === 0
            ? 'No phone number on record'
            : phones.map((p, i) => (
                <span key={`${p.value}-${i}`}>
                  {i > 0 && ', '}
                  <a href={`tel:${p.value}`}>{p.value}</a>
                  {p.use ? ` (${USE_WORDS[p.use] ?? p.use})` : ''}
                </span>
              ))}
        </dd>
        <dt>Preferred contact</dt>
        <dd>{preferred ? describeContact(preferred) : 'Not recorded'}</dd>
        {language && (
          <>
            <dt>Preferred language</dt>
            <dd>{language}</dd>
          </>
        )}
      </dl>
    </>
  );
}

function describeContact(c: ContactPoint): string {
  const how = c.system === 'email' ? 'Email' : c.system === 'sms' ? 'Text message' : 'Phone';
  return `${how}${c.use ? `, ${USE_WORDS[c.use] ?? c.use}` : ''}: ${c.value}`;
}

function PlanGoals({ reference }: { reference: string | undefined }) {
  const plan = useCarePlan(reference);
  return (
    <>
      <h3>The plan’s goals</h3>
      {!reference ? (
        <p>This follow-up is not linked to a plan.</p>
      ) : plan.isPending ? (
        <p aria-busy="true">Loading the plan…</p>
      ) : plan.isError ? (
        <p>
          The plan could not be loaded.{' '}
          {plan.error instanceof FhirError ? describeFhirError(plan.error, 'worklist') : ''}
        </p>
      ) : (
        <PlanContent plan={plan.data.resource} />
      )}
    </>
  );
}

function PlanContent({ plan }: { plan: CarePlan }) {
  const contained = new Map<string, FhirResource>(
    (plan.contained ?? []).map((r) => [`#${r.id ?? ''}`, r]),
  );
  const goals = (plan.goal ?? [])
    .map((g) => {
      const c = g.reference ? contained.get(g.reference) : undefined;
      if (c && c.resourceType === 'Goal')
        return c.description.text ?? c.description.coding?.[0]?.display;
      return g.display;
    })
    .filter((g): g is string => Boolean(g));
  const activities = (plan.activity ?? [])
    .map((a) => a.detail)
    .filter((d) => d !== undefined)
    .map((d) => {
      const what = d.code?.text ?? d.code?.coding?.[0]?.display;
      return [what, d.description].filter(Boolean).join(': ');
    })
    .filter(Boolean);
  return (
    <>
      {plan.title && <p>{plan.title}</p>}
      {goals.length > 0 ? (
        <ul>
          {goals.map((g, i) => (
            <li key={i}>{g}</li>
          ))}
        </ul>
      ) : (
        <p>{plan.description ?? 'No goals are written on the plan.'}</p>
      )}
      {activities.length > 0 && (
        <>
          <h4>Planned support</h4>
          <ul>
            {activities.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function History({ task }: { task: Task }) {
  const attempts = taskAttempts(task);
  const outcome = taskOutcome(task);
  return (
    <>
      <h3>Contact so far</h3>
      {attempts.length === 0 && !outcome ? (
        <p>No contact attempts recorded yet.</p>
      ) : (
        <ul>
          {outcome && <li>Outcome: {contactOutcomeDisplay(outcome)}</li>}
          {attempts.map((a, i) => (
            <li key={i}>
              {a.time ? `${a.time.slice(0, 10)}: ` : ''}
              {a.text}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
