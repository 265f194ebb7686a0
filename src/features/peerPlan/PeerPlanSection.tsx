import type { CarePlan, Task } from 'fhir/r4';
import { lazy, Suspense, useState } from 'react';
import { isPeerTask } from '../../domain/engagement';
import { followUpReasonCoding } from '../../domain/followUps';
import { OPEN_TASK_STATUSES } from '../../domain/tasks';
import {
  draftFromFollowUps,
  findActivePeerPlan,
  findOudCondition,
  type PeerPlanDraft,
} from '../../domain/peerPlan';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';
import { usePatientSummary } from '../summary/usePatientSummary';
import { loadDraft, saveDraft } from './draftStore';
import './peerPlan.css';

// Loaded on first use: most chart views never open the composer, and the
// initial bundle has a budget.
const PeerPlanComposer = lazy(() =>
  import('./PeerPlanComposer').then((m) => ({ default: m.PeerPlanComposer })),
);

/**
 * "Start peer support" (or "Add follow-up" when an active peer-support plan
 * exists), the composer inline below it, and the open peer follow-ups.
 */
export function PeerPlanSection({ patientId }: { patientId: string }) {
  const summary = usePatientSummary(patientId);
  const { session } = useSession();
  const clock = useClock();
  // A draft not yet written (reload, failed write) opens again where it was.
  const [draft, setDraftState] = useState<PeerPlanDraft | undefined>(() =>
    loadDraft(session, patientId, clock.now()),
  );
  const [restored] = useState(() => draft !== undefined);
  const [done, setDone] = useState<string>();

  const setDraft = (d: PeerPlanDraft | undefined) => {
    setDraftState(d);
    if (d) saveDraft(session, d);
  };

  // The plan is composed from the whole chart: not from a part of it while the rest loads.
  if (summary.isPending || (summary.isSuccess && summary.data.pending.length > 0))
    return (
      <section aria-labelledby="peer-support-h">
        <h3 id="peer-support-h">Peer support</h3>
        <p aria-busy="true">Loading…</p>
      </section>
    );
  if (summary.isError)
    return (
      <section aria-labelledby="peer-support-h">
        <h3 id="peer-support-h">Peer support</h3>
        <p role="alert">
          The chart could not be read, so peer support cannot be planned from it now.{' '}
          {summary.error instanceof FhirError ? describeFhirError(summary.error) : ''}
        </p>
      </section>
    );

  const { record } = summary.data.loaded;
  const plan = findActivePeerPlan(record.carePlans) as (CarePlan & { id: string }) | undefined;
  const carePlansFailed = summary.data.loaded.failures.some((f) => f.part === 'carePlans');
  const oud = findOudCondition(record.conditions);
  const openTasks = record.tasks.filter(
    (t: Task) => OPEN_TASK_STATUSES.has(t.status) && isPeerTask(t, record.carePlans),
  );

  const start = () => {
    setDone(undefined);
    setDraft(
      draftFromFollowUps({
        patientId,
        followUps: summary.data.summary.followUps,
        now: clock.now(),
        newId: () => crypto.randomUUID(),
        ...(plan ? { existingPlan: plan } : {}),
      }),
    );
  };

  return (
    <section aria-labelledby="peer-support-h" className="peer-support">
      <h3 id="peer-support-h">Peer support</h3>
      {done && (
        <p role="status" className="peer-plan__done">
          {done}
        </p>
      )}
      <h4>Open peer follow-ups</h4>
      {openTasks.length === 0 ? (
        <p>No open peer follow-ups.</p>
      ) : (
        <ul aria-label="Open peer follow-ups">
          {openTasks.map((t) => (
            <li key={t.id}>
              {taskReason(t)} — {t.status}
              {t.restriction?.period?.end ? `, due ${t.restriction.period.end.slice(0, 10)}` : ''}
              {t.owner?.display ? `, ${t.owner.display}` : ''}
            </li>
          ))}
        </ul>
      )}
      {carePlansFailed && (
        <p role="alert">
          Care plans could not be read, so the app cannot tell whether a peer-support plan exists.
          Reload before starting one.
        </p>
      )}
      {draft ? (
        <>
          {restored && (
            <p role="status">A draft that was not written yet was restored in this browser tab.</p>
          )}
          <Suspense fallback={<p aria-busy="true">Loading the composer…</p>}>
            <PeerPlanComposer
              draft={draft}
              onDraftChange={setDraft}
              {...(plan ? { existingPlan: plan } : {})}
              {...(oud?.id ? { oudCondition: { reference: `Condition/${oud.id}` } } : {})}
              {...(summary.data.summary.mme.factorSet
                ? { mmeFactorSet: summary.data.summary.mme.factorSet }
                : {})}
              asOfDay={summary.data.summary.asOf}
              alreadyOpen={summary.data.summary.followUps
                .filter((f) => f.openTask)
                .map((f) => f.text)}
              onClose={() => setDraftState(undefined)}
              onWritten={(message) => {
                setDraftState(undefined);
                setDone(message);
              }}
            />
          </Suspense>
        </>
      ) : (
        !carePlansFailed && (
          <button type="button" onClick={start}>
            {plan ? 'Add follow-up' : 'Start peer support'}
          </button>
        )
      )}
    </section>
  );
}

function taskReason(t: Task): string {
  const c = t.reasonCode?.coding?.find((x) => x.system === followUpReasonCoding('x').system);
  return c?.code
    ? (followUpReasonCoding(c.code).display ?? c.code)
    : (t.description ?? 'Follow-up');
}
