import { isPeerTask } from '../../domain/engagement';
import type { PatientSummary } from '../../domain/summary';
import type { LoadedRecord } from '../../fhir/patientRecord';
import { EvidenceDisclosure } from '../../ui/EvidenceDisclosure';
import { StatusBadge } from '../../ui/StatusBadge';
import { Section } from './Section';
import {
  day,
  LEVEL_WORDS,
  readPeerTask,
  relative,
  TASK_STATUS_WORDS,
  type PeerTaskView,
} from './view';

const CLOSED_SHOWN = 5;

/** Peer recovery support: last contact, open peer Tasks, and how closed ones ended (the loop). */
export function PeerSection({
  loaded,
  summary,
}: {
  loaded?: LoadedRecord;
  summary?: PatientSummary;
}) {
  return (
    <Section section="peer" title="Peer recovery support" loaded={loaded} summary={summary}>
      {loaded && summary && <Peer loaded={loaded} s={summary} />}
    </Section>
  );
}

function Peer({ loaded, s }: { loaded: LoadedRecord; s: PatientSummary }) {
  const { tasks, carePlans } = loaded.record;
  const views = tasks
    .filter((t) => isPeerTask(t, carePlans))
    .map((t) => readPeerTask(t))
    .sort((a, b) => (b.authored ?? 0) - (a.authored ?? 0));
  const peer = s.engagement.dimensions.peer;
  const open = views.filter((v) => v.open);
  const closed = views.filter((v) => !v.open).slice(0, CLOSED_SHOWN);
  return (
    <>
      <div className="peer__contact">
        <StatusBadge tone={LEVEL_WORDS[peer.level].tone} label={LEVEL_WORDS[peer.level].label} />{' '}
        {peer.reasons.join(' ')}
        <EvidenceDisclosure evidence={peer.evidence} about="peer contact" />
      </div>
      {views.length === 0 ? (
        <p>No peer recovery support tasks on record.</p>
      ) : (
        <>
          <h4>Open peer tasks</h4>
          {open.length === 0 ? <p>No open peer tasks.</p> : <TaskList tasks={open} asOf={s.asOf} />}
          {closed.length > 0 && (
            <>
              <h4>Recently closed peer tasks</h4>
              <TaskList tasks={closed} asOf={s.asOf} />
            </>
          )}
        </>
      )}
    </>
  );
}

function TaskList({ tasks, asOf }: { tasks: PeerTaskView[]; asOf: number }) {
  return (
    <ul className="peer-tasks">
      {tasks.map((t) => (
        <li key={t.reference} className="peer-task">
          <p className="peer-task__reason">{t.reason}</p>
          <dl className="facts facts--compact">
            <div>
              <dt>Status</dt>
              <dd>
                {TASK_STATUS_WORDS[t.status] ?? t.status}
                {t.statusReason ? ` (${t.statusReason})` : ''}
              </dd>
            </div>
            {t.due !== undefined && (
              <div>
                <dt>Due</dt>
                <dd>
                  {day(t.due)} ({relative(t.due, asOf)}){t.open && t.due < asOf ? ', past due' : ''}
                </dd>
              </div>
            )}
            <div>
              <dt>Peer</dt>
              <dd>{t.owner ?? 'Not yet claimed'}</dd>
            </div>
            {t.outcome && (
              <div>
                <dt>Outcome</dt>
                <dd>{t.outcome}</dd>
              </div>
            )}
            <div>
              <dt>Last contact attempt</dt>
              <dd>
                {t.lastAttempt
                  ? `${t.lastAttempt.day !== undefined ? `${day(t.lastAttempt.day)}: ` : ''}${t.lastAttempt.text}`
                  : 'None recorded'}
              </dd>
            </div>
          </dl>
          <EvidenceDisclosure
            evidence={[{ rule: 'peer.task', resources: [t.reference], detail: t.description }]}
            about={`peer task: ${t.reason}`}
          />
        </li>
      ))}
    </ul>
  );
}
