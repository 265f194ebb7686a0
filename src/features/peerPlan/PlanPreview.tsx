import { useId, useState } from 'react';
import { planAsText, type PeerPlanDraft } from '../../domain/peerPlan';
import type { usePlanWrite } from './usePlanWrite';

/** The preview step: the plan in words and as FHIR, and the write (or, without permission, the text to copy). */
export function PlanPreview({
  draft,
  plan,
  onBack,
}: {
  draft: PeerPlanDraft;
  plan: ReturnType<typeof usePlanWrite>;
  onBack: () => void;
}) {
  const { preview, write, doWrite, useTransaction } = plan;
  if (!preview) return null;
  const writing = write.kind === 'writing';
  return (
    <div>
      <h4>Preview</h4>
      <pre className="peer-plan__text" aria-label="The plan in words">
        {planAsText(draft, preview.planned.mode)}
      </pre>
      {!useTransaction && (
        <p role="note">
          This EHR does not accept all-or-nothing (transaction) writes, so the app writes in steps
          (a batch of conditional creates). If a step fails, Retry completes what is missing without
          duplicating what was written.
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
            disabled={writing || plan.capabilitiesPending}
            aria-busy={writing}
          >
            {write.kind === 'failed' ? 'Retry' : 'Write to the EHR'}
          </button>
        )}
        <button type="button" onClick={onBack} disabled={writing}>
          Back to edit
        </button>
      </div>
    </div>
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
