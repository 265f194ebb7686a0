/**
 * The composer's form fields, one component per fieldset: goals, activities,
 * the peer, and the follow-ups. Each edits the draft through `update`.
 */
import { PRIORITIES, priorityWords } from '../../domain/core';
import { FOLLOW_UP_REASONS } from '../../domain/followUps';
import {
  activityDisplay,
  MAX_TASKS_PER_WRITE,
  newDraftTask,
  type DraftTask,
  type PeerChoice,
  type PeerPlanDraft,
} from '../../domain/peerPlan';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { usePeerChoices } from './usePeerPlanData';

interface FieldsProps {
  /** Prefix of the element ids (useId of the composer). */
  formId: string;
  draft: PeerPlanDraft;
  update: (patch: Partial<PeerPlanDraft>) => void;
}

export function GoalsFields({ formId, draft, update }: FieldsProps) {
  return (
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
                goals: draft.goals.map((x) => (x.id === g.id ? { ...x, text: e.target.value } : x)),
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
        onClick={() => update({ goals: [...draft.goals, { id: crypto.randomUUID(), text: '' }] })}
      >
        Add a goal
      </button>
    </fieldset>
  );
}

export function ActivitiesFields({ formId, draft, update }: FieldsProps) {
  return (
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
  );
}

export function PeerFields({ formId, draft, update }: FieldsProps) {
  const peers = usePeerChoices(draft.patientId, true);
  return (
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
  );
}

export function FollowUpFields({
  formId,
  draft,
  update,
  alreadyOpen,
  defaultDue,
}: FieldsProps & { alreadyOpen?: readonly string[]; defaultDue: string }) {
  const updateTask = (i: number, patch: Partial<DraftTask>) =>
    update({ tasks: draft.tasks.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  return (
    <fieldset>
      <legend>Follow-ups for the peer</legend>
      {alreadyOpen && alreadyOpen.length > 0 && (
        <p className="peer-plan__hint">
          Already open for this person, so not suggested again: {alreadyOpen.join('; ')}.
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
              onChange={(e) => updateTask(i, { priority: e.target.value as DraftTask['priority'] })}
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
          Up to {MAX_TASKS_PER_WRITE} follow-ups per write; add more after this one is written.
        </p>
      )}
    </fieldset>
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
