import { useQueryClient } from '@tanstack/react-query';
import type { CarePlan, Reference } from 'fhir/r4';
import { useId, useMemo, useRef, useState } from 'react';
import { fromDay, PRIORITIES, priorityWords } from '../../domain/core';
import { FOLLOW_UP_REASONS } from '../../domain/followUps';
import {
  activityDisplay,
  batchBundle,
  batchSteps,
  draftProblems,
  MAX_TASKS_PER_WRITE,
  newDraftTask,
  planAsText,
  planWrite,
  scopesNeeded,
  transactionBundle,
  type BuildContext,
  type DraftTask,
  type PeerChoice,
  type PeerPlanDraft,
} from '../../domain/peerPlan';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { etagOf } from '../../fhir/read';
import { isGranted } from '../../smart/scopes';
import { useSession } from '../session/SessionContext';
import { patientSummaryKey } from '../summary/usePatientSummary';
import { clearDraft } from './draftStore';
import { useCapabilities, usePeerChoices } from './usePeerPlanData';
import { writePeerPlan } from '../../fhir/planWrite';

export const APP_INFO = { name: 'Peer Recovery SMART app', version: '0.1.0' };

export interface ComposerProps {
  draft: PeerPlanDraft;
  onDraftChange: (d: PeerPlanDraft) => void;
  /** The active peer-support plan the draft adds to, as read with the summary. */
  existingPlan?: CarePlan & { id: string };
  oudCondition?: Reference;
  mmeFactorSet?: string;
  asOfDay: number;
  /** Suggestions left out because an open peer follow-up already covers them. */
  alreadyOpen?: readonly string[];
  onClose: () => void;
  onWritten: (message: string) => void;
}

type Step = 'edit' | 'preview';
type WriteState =
  { kind: 'idle' } | { kind: 'writing' } | { kind: 'failed'; message: string; conflict: boolean };

/** Plain words for a failed write, always ending in what to do. */
function failureMessage(e: unknown): string {
  if (e instanceof FhirError) {
    const base = describeFhirError(e);
    if (e.kind === 'auth')
      return `${base} The draft is kept in this browser tab: relaunch from the chart and it will be here.`;
    if (e.kind === 'forbidden')
      return `${base} Nothing was written. You can copy the plan as text below, or retry.`;
    if (e.kind === 'conflict')
      return 'Someone else changed the peer-support plan while you were writing, and the app could not merge your follow-ups into it. Nothing was lost: Retry to try again.';
    return `${base} Nothing is lost: the draft is kept, and Retry writes the plan once.`;
  }
  return 'The write did not finish. The draft is kept, and Retry writes the plan once.';
}

export function PeerPlanComposer(props: ComposerProps) {
  const { draft, onDraftChange: setDraft, existingPlan } = props;
  const { session, send } = useSession();
  const queryClient = useQueryClient();
  const formId = useId();
  const [step, setStep] = useState<Step>('edit');
  const [problems, setProblems] = useState<string[]>([]);
  const [write, setWrite] = useState<WriteState>({ kind: 'idle' });
  const inFlight = useRef(false);
  const peers = usePeerChoices(draft.patientId, true);
  const caps = useCapabilities(true);
  const useTransaction = caps.data ? caps.data.transaction || !caps.data.batch : true;
  const defaultDue = fromDay(props.asOfDay + 7);

  const user: Reference | undefined = /^(Practitioner|PractitionerRole)\/[^/]+$/.test(
    session.fhirUser ?? '',
  )
    ? { reference: session.fhirUser as string }
    : undefined;

  const buildContext = (now: Date): BuildContext => ({
    draft,
    user: user ?? { display: 'Unknown user' },
    now,
    ...(existingPlan
      ? {
          existing: { plan: existingPlan, etag: etagOf(existingPlan) },
        }
      : {}),
    ...(props.oudCondition ? { oudCondition: props.oudCondition } : {}),
    ...(props.mmeFactorSet ? { mmeFactorSet: props.mmeFactorSet } : {}),
    app: APP_INFO,
  });

  const preview = useMemo(() => {
    if (step !== 'preview') return undefined;
    const planned = planWrite(buildContext(new Date()));
    const bundles = useTransaction
      ? [transactionBundle(planned)]
      : batchSteps(planned).map((s) => batchBundle(s, new Map()));
    const missing = scopesNeeded(planned).filter(
      (n) => !isGranted(session.grantedScopes, n.resourceType, n.permission),
    );
    return { planned, bundles, missing };
    // buildContext reads the props and draft listed here
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step, draft, existingPlan, useTransaction, session.grantedScopes]);

  const update = (patch: Partial<PeerPlanDraft>) => setDraft({ ...draft, ...patch });
  const updateTask = (i: number, patch: Partial<DraftTask>) =>
    update({ tasks: draft.tasks.map((t, j) => (j === i ? { ...t, ...patch } : t)) });

  const toPreview = () => {
    const found = draftProblems(draft, { addingToPlan: Boolean(existingPlan) });
    if (!user)
      found.push('The app does not know who you are (no fhirUser), so it cannot sign the plan.');
    setProblems(found);
    if (found.length === 0) setStep('preview');
  };

  const doWrite = async () => {
    // A ref, not state: a double click arrives before React re-renders the disabled button.
    if (inFlight.current) return;
    inFlight.current = true;
    setWrite({ kind: 'writing' });
    try {
      const result = await writePeerPlan(send, buildContext(new Date()), useTransaction);
      clearDraft(session, draft.patientId);
      await queryClient.invalidateQueries({ queryKey: patientSummaryKey(draft.patientId) });
      const n = draft.tasks.length;
      props.onWritten(
        `${result.write.mode === 'new-plan' ? 'Peer support plan written' : 'Follow-ups added to the peer support plan'}: ${n} follow-up${n === 1 ? '' : 's'} for ${draft.peer?.display ?? 'the peer'}.${result.merged ? ' The plan had been changed by someone else; your additions were merged into their version.' : ''}`,
      );
    } catch (e) {
      setWrite({
        kind: 'failed',
        message: failureMessage(e),
        conflict: e instanceof FhirError && e.kind === 'conflict',
      });
    } finally {
      inFlight.current = false;
    }
  };

  const writing = write.kind === 'writing';
  const title = existingPlan ? 'Add peer follow-up' : 'Start peer support';

  return (
    <section className="peer-plan" aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{title}</h3>
      {step === 'edit' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            toPreview();
          }}
          noValidate
        >
          {existingPlan && (
            <p>
              This person has an active peer-support plan. The follow-ups below are added to it;
              activities you tick that are not in it yet are added too.
            </p>
          )}
          <fieldset>
            <legend>Goals</legend>
            {draft.goals.length === 0 && <p className="peer-plan__hint">No goals added.</p>}
            {draft.goals.map((g, i) => (
              <div key={g.id} className="peer-plan__row">
                <label htmlFor={`${formId}-goal-${g.id}`}>Goal {i + 1}</label>
                <input
                  id={`${formId}-goal-${g.id}`}
                  type="text"
                  value={g.text}
                  onChange={(e) =>
                    update({
                      goals: draft.goals.map((x) =>
                        x.id === g.id ? { ...x, text: e.target.value } : x,
                      ),
                    })
                  }
                />
                <button
                  type="button"
                  onClick={() => update({ goals: draft.goals.filter((x) => x.id !== g.id) })}
                >
                  Remove goal {i + 1}
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() =>
                update({ goals: [...draft.goals, { id: crypto.randomUUID(), text: '' }] })
              }
            >
              Add a goal
            </button>
          </fieldset>

          <fieldset>
            <legend>Activities</legend>
            {draft.activities.map((a, i) => (
              <div key={a.code} className="peer-plan__activity">
                <input
                  id={`${formId}-act-${a.code}`}
                  type="checkbox"
                  checked={a.selected}
                  onChange={(e) =>
                    update({
                      activities: draft.activities.map((x, j) =>
                        j === i ? { ...x, selected: e.target.checked } : x,
                      ),
                    })
                  }
                />
                <label htmlFor={`${formId}-act-${a.code}`}>{activityDisplay(a.code)}</label>
                {a.selected && (
                  <>
                    <label htmlFor={`${formId}-actd-${a.code}`} className="visually-hidden">
                      Details for {activityDisplay(a.code)}
                    </label>
                    <input
                      id={`${formId}-actd-${a.code}`}
                      type="text"
                      value={a.description}
                      onChange={(e) =>
                        update({
                          activities: draft.activities.map((x, j) =>
                            j === i ? { ...x, description: e.target.value } : x,
                          ),
                        })
                      }
                    />
                  </>
                )}
              </div>
            ))}
          </fieldset>

          <fieldset>
            <legend>Peer recovery specialist</legend>
            {peers.isPending ? (
              <p aria-busy="true">Loading peer recovery specialists…</p>
            ) : peers.isError ? (
              <p role="alert">
                The list of peer recovery specialists could not be loaded.{' '}
                {peers.error instanceof FhirError ? describeFhirError(peers.error) : ''}
              </p>
            ) : (
              <PeerSelect
                id={`${formId}-peer`}
                choices={peers.data.choices}
                value={draft.peer?.reference ?? ''}
                onChange={(choice) =>
                  update({
                    peer: choice
                      ? {
                          reference: choice.reference,
                          display: choice.display,
                          ...(choice.careTeam ? { careTeam: choice.careTeam } : {}),
                        }
                      : undefined,
                  })
                }
                partial={peers.data.partial}
              />
            )}
          </fieldset>

          <fieldset>
            <legend>Follow-ups for the peer</legend>
            {props.alreadyOpen && props.alreadyOpen.length > 0 && (
              <p className="peer-plan__hint">
                Already open for this person, so not suggested again: {props.alreadyOpen.join('; ')}
                .
              </p>
            )}
            {draft.tasks.length === 0 && (
              <p className="peer-plan__hint">No new follow-ups suggested. Add one below.</p>
            )}
            {draft.tasks.map((t, i) => (
              <fieldset key={t.id} className="peer-plan__task">
                <legend>Follow-up {i + 1}</legend>
                <label htmlFor={`${formId}-reason-${t.id}`}>Reason</label>
                <select
                  id={`${formId}-reason-${t.id}`}
                  value={t.reason}
                  onChange={(e) => updateTask(i, { reason: e.target.value })}
                >
                  {FOLLOW_UP_REASONS.map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.display}
                    </option>
                  ))}
                </select>
                <label htmlFor={`${formId}-context-${t.id}`}>Context for the peer</label>
                <textarea
                  id={`${formId}-context-${t.id}`}
                  rows={2}
                  value={t.context}
                  onChange={(e) => updateTask(i, { context: e.target.value })}
                />
                <div className="peer-plan__row">
                  <label htmlFor={`${formId}-prio-${t.id}`}>Priority</label>
                  <select
                    id={`${formId}-prio-${t.id}`}
                    value={t.priority}
                    onChange={(e) =>
                      updateTask(i, { priority: e.target.value as DraftTask['priority'] })
                    }
                  >
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {priorityWords(p).label}
                      </option>
                    ))}
                  </select>
                  <label htmlFor={`${formId}-due-${t.id}`}>Due date</label>
                  <input
                    id={`${formId}-due-${t.id}`}
                    type="date"
                    value={t.due}
                    onChange={(e) => updateTask(i, { due: e.target.value })}
                  />
                </div>
                <button
                  type="button"
                  onClick={() => update({ tasks: draft.tasks.filter((x) => x.id !== t.id) })}
                >
                  Remove follow-up {i + 1}
                </button>
              </fieldset>
            ))}
            <button
              type="button"
              disabled={draft.tasks.length >= MAX_TASKS_PER_WRITE}
              onClick={() =>
                update({
                  tasks: [...draft.tasks, newDraftTask(() => crypto.randomUUID(), defaultDue)],
                })
              }
            >
              Add a follow-up
            </button>
            {draft.tasks.length >= MAX_TASKS_PER_WRITE && (
              <p className="peer-plan__hint">
                Up to {MAX_TASKS_PER_WRITE} follow-ups per write; add more after this one is
                written.
              </p>
            )}
          </fieldset>

          {problems.length > 0 && (
            <div role="alert">
              <p>Before previewing:</p>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="peer-plan__actions">
            <button type="submit">Preview</button>
            <button type="button" onClick={props.onClose}>
              Close (keep draft)
            </button>
            <button
              type="button"
              onClick={() => {
                clearDraft(session, draft.patientId);
                props.onClose();
              }}
            >
              Discard draft
            </button>
          </div>
        </form>
      ) : (
        preview && (
          <div>
            <h4>Preview</h4>
            <pre className="peer-plan__text" aria-label="The plan in words">
              {planAsText(draft, preview.planned.mode)}
            </pre>
            {!useTransaction && (
              <p role="note">
                This EHR does not accept all-or-nothing (transaction) writes, so the app writes in
                steps (a batch of conditional creates). If a step fails, Retry completes what is
                missing without duplicating what was written.
              </p>
            )}
            <details>
              <summary>The exact FHIR resources ({preview.planned.entries.length})</summary>
              <pre className="peer-plan__json">{JSON.stringify(preview.bundles, null, 2)}</pre>
            </details>
            {preview.missing.length > 0 ? (
              <CopyablePlan
                text={planAsText(draft, preview.planned.mode)}
                missing={preview.missing.map(
                  (m) => `${m.permission === 'c' ? 'create' : 'update'} ${m.resourceType}`,
                )}
              />
            ) : (
              <>
                {write.kind === 'failed' && (
                  <div role="alert" className="peer-plan__error">
                    <p>{write.message}</p>
                  </div>
                )}
                {writing && (
                  <p role="status" aria-live="polite">
                    Writing to the EHR…
                  </p>
                )}
              </>
            )}
            <div className="peer-plan__actions">
              {preview.missing.length === 0 && (
                <button
                  type="button"
                  onClick={() => void doWrite()}
                  disabled={writing || caps.isPending}
                  aria-busy={writing}
                >
                  {write.kind === 'failed' ? 'Retry' : 'Write to the EHR'}
                </button>
              )}
              <button type="button" onClick={() => setStep('edit')} disabled={writing}>
                Back to edit
              </button>
            </div>
          </div>
        )
      )}
    </section>
  );
}

function PeerSelect(props: {
  id: string;
  choices: PeerChoice[];
  value: string;
  partial: boolean;
  onChange: (c: PeerChoice | undefined) => void;
}) {
  const onTeam = props.choices.filter((c) => c.careTeam);
  const others = props.choices.filter((c) => !c.careTeam);
  if (props.choices.length === 0)
    return (
      <p role="alert">
        No peer recovery specialist was found (no PractitionerRole with the Peer Specialist code,
        and none on this person's care team). Ask the EHR administrator to add one.
      </p>
    );
  return (
    <>
      <label htmlFor={props.id}>Peer</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(props.choices.find((c) => c.reference === e.target.value))}
      >
        <option value="">Choose a peer…</option>
        {onTeam.length > 0 && (
          <optgroup label="On this person's care team">
            {onTeam.map((c) => (
              <option key={c.reference} value={c.reference}>
                {c.display}
              </option>
            ))}
          </optgroup>
        )}
        {others.length > 0 && (
          <optgroup label="Peer recovery specialists">
            {others.map((c) => (
              <option key={c.reference} value={c.reference}>
                {c.display}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {props.partial && (
        <p className="peer-plan__hint">
          Part of the list could not be loaded (care team or specialists); it may be incomplete.
        </p>
      )}
    </>
  );
}

function CopyablePlan({ text, missing }: { text: string; missing: string[] }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const id = useId();
  return (
    <div>
      <p role="alert">
        The app was not allowed to write this plan to the EHR (permission not granted:{' '}
        {missing.join(', ')}). Nothing was written. Copy the plan below into a note instead.
      </p>
      <label htmlFor={id}>The plan as text</label>
      <textarea id={id} readOnly rows={10} value={text} onFocus={(e) => e.target.select()} />
      <button
        type="button"
        onClick={() => {
          if (!navigator.clipboard) {
            setCopied('failed');
            return;
          }
          navigator.clipboard.writeText(text).then(
            () => setCopied('yes'),
            () => setCopied('failed'),
          );
        }}
      >
        Copy the plan
      </button>
      <span role="status">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'failed'
            ? 'Copying was blocked: select the text and copy it with the keyboard.'
            : ''}
      </span>
    </div>
  );
}
