import { useQueryClient } from '@tanstack/react-query';
import type { CarePlan, Reference } from 'fhir/r4';
import { useMemo, useRef, useState } from 'react';
import {
  batchBundle,
  batchSteps,
  planWrite,
  scopesNeeded,
  transactionBundle,
  type BuildContext,
  type PeerPlanDraft,
} from '../../domain/peerPlan';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { writePeerPlan } from '../../fhir/planWrite';
import { businessKeyMode, otherPlanFacts, withBusinessKeys } from '../../fhir/planWriteGuard';
import { etagOf } from '../../fhir/read';
import { isGranted } from '../../smart/scopes';
import { useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';
import { patientSummaryKey } from '../summary/usePatientSummary';
import { clearDraft } from './draftStore';
import { useCapabilities } from './usePeerPlanData';
import { writtenMessage } from './writeMessage';

const APP_INFO = { name: 'Peer Recovery SMART app', version: '0.1.0' };

type WriteState =
  { kind: 'idle' } | { kind: 'writing' } | { kind: 'failed'; message: string; conflict: boolean };

/** Plain words for a failed write, always ending in what to do. */
function failureMessage(e: unknown): string {
  if (e instanceof FhirError) {
    const base = describeFhirError(e);
    if (e.kind === 'auth')
      return `${base} Your draft is kept in this browser tab and will be here when you open the app again.`;
    if (e.kind === 'forbidden')
      return `${base} Nothing was written. You can copy the plan as text below, or retry.`;
    if (e.kind === 'conflict')
      return 'Someone else changed the peer-support plan while you were writing, and the app could not merge your follow-ups into it. Nothing was lost: Retry to try again.';
    return `${base} Nothing is lost: the draft is kept, and Retry writes the plan once.`;
  }
  return 'The write did not finish. The draft is kept, and Retry writes the plan once.';
}

interface PlanWriteInput {
  draft: PeerPlanDraft;
  existingPlan?: CarePlan & { id: string };
  oudCondition?: Reference;
  mmeFactorSet?: string;
  /** Compute the preview (the resources and the scopes they need). */
  previewing: boolean;
  onWritten: (message: string) => void;
}

/**
 * The composer's write: who signs, what the write will send (the preview),
 * and the write itself: once per click, the draft kept on failure, a Retry
 * that writes nothing twice.
 */
export function usePlanWrite(input: PlanWriteInput) {
  const { draft, existingPlan } = input;
  const { session, send } = useSession();
  const queryClient = useQueryClient();
  const [write, setWrite] = useState<WriteState>({ kind: 'idle' });
  const inFlight = useRef(false);
  const clock = useClock();
  const caps = useCapabilities(true);
  const useTransaction = caps.data ? caps.data.transaction || !caps.data.batch : true;
  const keyMode = businessKeyMode(caps.data);

  const user: Reference | undefined = /^(Practitioner|PractitionerRole)\/[^/]+$/.test(
    session.fhirUser ?? '',
  )
    ? { reference: session.fhirUser as string }
    : undefined;

  const buildContext = (now: Date): BuildContext => ({
    draft,
    user: user ?? { display: 'Unknown user' },
    now,
    ...(existingPlan ? { existing: { plan: existingPlan, etag: etagOf(existingPlan) } } : {}),
    ...(input.oudCondition ? { oudCondition: input.oudCondition } : {}),
    ...(input.mmeFactorSet ? { mmeFactorSet: input.mmeFactorSet } : {}),
    app: APP_INFO,
  });

  const preview = useMemo(() => {
    if (!input.previewing) return undefined;
    const ctx = buildContext(clock.now());
    const planned =
      keyMode === 'conditional-create'
        ? withBusinessKeys(planWrite(ctx), ctx.draft.patientId)
        : planWrite(ctx);
    const bundles = useTransaction
      ? [transactionBundle(planned)]
      : batchSteps(planned).map((s) => batchBundle(s, new Map()));
    const missing = scopesNeeded(planned).filter(
      (n) => !isGranted(session.grantedScopes, n.resourceType, n.permission),
    );
    return { planned, bundles, missing };
    // buildContext reads the props and draft listed here
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [input.previewing, draft, existingPlan, useTransaction, keyMode, session.grantedScopes]);

  const doWrite = async () => {
    // A ref, not state: a double click arrives before React re-renders the disabled button.
    if (inFlight.current) return;
    inFlight.current = true;
    setWrite({ kind: 'writing' });
    try {
      const result = await writePeerPlan(send, buildContext(clock.now()), useTransaction, keyMode);
      clearDraft(session, draft.patientId);
      const other = await otherPlanFacts(send, result.guard);
      await queryClient.invalidateQueries({ queryKey: patientSummaryKey(draft.patientId) });
      input.onWritten(writtenMessage(result, draft, clock.now(), other));
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

  return {
    user,
    preview,
    write,
    doWrite,
    useTransaction,
    capabilitiesPending: caps.isPending,
  };
}
