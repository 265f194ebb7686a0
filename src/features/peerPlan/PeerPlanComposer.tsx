import type { CarePlan, Reference } from 'fhir/r4';
import { useId, useState } from 'react';
import { fromDay } from '../../domain/core';
import { draftProblems, type PeerPlanDraft } from '../../domain/peerPlan';
import { duplicateReasons } from '../../fhir/planWriteGuard';
import { useSession } from '../session/SessionContext';
import { ActivitiesFields, FollowUpFields, GoalsFields, PeerFields } from './DraftFields';
import { clearDraft } from './draftStore';
import { PlanPreview } from './PlanPreview';
import { usePlanWrite } from './usePlanWrite';

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

/** Start peer support, or add follow-ups to the active plan: edit the draft, preview it, write it. */
export function PeerPlanComposer(props: ComposerProps) {
  const { draft, onDraftChange: setDraft, existingPlan } = props;
  const { session } = useSession();
  const formId = useId();
  const [step, setStep] = useState<Step>('edit');
  const [problems, setProblems] = useState<string[]>([]);
  const plan = usePlanWrite({
    draft,
    existingPlan,
    oudCondition: props.oudCondition,
    mmeFactorSet: props.mmeFactorSet,
    previewing: step === 'preview',
    onWritten: props.onWritten,
  });
  const fields = {
    formId,
    draft,
    update: (patch: Partial<PeerPlanDraft>) => setDraft({ ...draft, ...patch }),
  };

  const toPreview = () => {
    const found = [
      ...draftProblems(draft, { addingToPlan: Boolean(existingPlan) }),
      ...duplicateReasons(draft),
    ];
    if (!plan.user)
      found.push('The app does not know who you are (no fhirUser), so it cannot sign the plan.');
    setProblems(found);
    if (found.length === 0) setStep('preview');
  };

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
          <GoalsFields {...fields} />
          <ActivitiesFields {...fields} />
          <PeerFields {...fields} />
          <FollowUpFields
            {...fields}
            alreadyOpen={props.alreadyOpen}
            defaultDue={fromDay(props.asOfDay + 7)}
          />

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
        <PlanPreview draft={draft} plan={plan} onBack={() => setStep('edit')} />
      )}
    </section>
  );
}
