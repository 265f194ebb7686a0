import { useLayoutEffect, useMemo, useState } from 'react';
import { statusLabel, statusWords } from '../../domain/tasks';
import {
  parseStatusFilter,
  WORKLIST_STATUSES,
  withStatusFilter,
  type WorklistRow,
  type WorklistStatus,
} from '../../domain/tasks';
import { describeFhirError, FhirError } from '../../fhir/errors';
import { isGranted } from '../../smart/scopes';
import { ErrorBoundary } from '../../ui/ErrorBoundary';
import { formatName } from '../../ui/PatientBanner';
import { conceptText } from '../../ui/safeFields';
import { useClock } from '../session/clock';
import { useSession } from '../session/SessionContext';
import { TaskDetail } from './TaskDetail';
import {
  MARK_DATA,
  MARK_RENDERED,
  MEASURE_RENDER,
  useWorklistData,
  worklistRows,
} from './useWorklist';
import './worklist.css';

/** Rows drawn at first: the most urgent and soonest due; the rest on request (a long list stays quick on slow devices). */
export const FIRST_ROWS = 100;

const STATUS_LABEL: Record<WorklistStatus, string> = {
  requested: 'Waiting to be accepted',
  accepted: 'Accepted',
  'in-progress': 'In progress',
  'on-hold': 'On hold',
};

/** The status filter lives in the query string; replaceState leaves fhirclient's state alone. */
function useStatusFilter(): [WorklistStatus[], (s: WorklistStatus[]) => void] {
  const [statuses, setStatuses] = useState(() => parseStatusFilter(window.location.search));
  const update = (next: WorklistStatus[]) => {
    setStatuses(next);
    const url = `${window.location.pathname}${withStatusFilter(window.location.search, next)}${window.location.hash}`;
    window.history.replaceState(window.history.state, '', url);
  };
  return [statuses, update];
}

/** The peer's worklist: own and claimable follow-ups, most urgent first, then soonest due. */
export function WorklistScreen() {
  const { session } = useSession();
  const query = useWorklistData();
  const [statuses, setStatuses] = useStatusFilter();
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const data = query.data;
  // Due words are relative to today; recomputed when the data changes.
  const clock = useClock();
  const rows = useMemo(() => (data ? worklistRows(data, clock.now()) : []), [data, clock]);
  const shown = useMemo(
    () => rows.filter((r) => (statuses as string[]).includes(r.task.status)),
    [rows, statuses],
  );
  const selected = rows.find((r) => r.task.id === selectedId);
  const canUpdate = isGranted(session.grantedScopes, 'Task', 'u');

  useLayoutEffect(() => {
    if (!data || performance.getEntriesByName(MARK_DATA).length === 0) return;
    performance.mark(MARK_RENDERED);
    performance.measure(MEASURE_RENDER, MARK_DATA, MARK_RENDERED);
    performance.clearMarks(MARK_DATA);
  }, [data]);

  return (
    <main className="worklist">
      <h1>Peer follow-up worklist</h1>
      {query.isPending ? (
        <p aria-busy="true">Loading your follow-ups…</p>
      ) : query.isError ? (
        <div role="alert">
          <p>
            Your follow-ups could not be loaded.{' '}
            {query.error instanceof FhirError ? describeFhirError(query.error, 'worklist') : ''}
          </p>
          <button type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <>
          <DataNotices
            unreadable={query.data.unreadable.length}
            truncated={query.data.truncated}
            missingPatients={rows.filter((r) => !r.patient).length}
            patientsFailed={
              query.data.patientsFailed
                ? describeFhirError(query.data.patientsFailed, 'worklist')
                : undefined
            }
          />
          <StatusFilter statuses={statuses} onChange={setStatuses} rows={rows} />
          <div className="worklist-layout">
            <ErrorBoundary what="The list of follow-ups">
              <WorklistTable
                rows={shown}
                total={rows.length}
                selectedId={selectedId}
                onOpen={setSelectedId}
              />
            </ErrorBoundary>
            {selected && (
              <ErrorBoundary key={selected.task.id} what="This follow-up">
                <TaskDetail row={selected} user={query.data.user} canUpdate={canUpdate} />
              </ErrorBoundary>
            )}
          </div>
        </>
      )}
    </main>
  );
}

function DataNotices({
  unreadable,
  truncated,
  missingPatients,
  patientsFailed,
}: {
  unreadable: number;
  truncated: boolean;
  missingPatients: number;
  patientsFailed?: string | undefined;
}) {
  if (!unreadable && !truncated && !missingPatients) return null;
  return (
    <div className="worklist-notice" role="status">
      {unreadable > 0 && (
        <p>
          {unreadable} record{unreadable === 1 ? '' : 's'} from the EHR could not be read and{' '}
          {unreadable === 1 ? 'is' : 'are'} not shown.
        </p>
      )}
      {truncated && (
        <p>
          The EHR returned more follow-ups than the app reads at once; the list may be incomplete.
        </p>
      )}
      {missingPatients > 0 && (
        <p>
          For {missingPatients} follow-up{missingPatients === 1 ? '' : 's'} the person’s name could
          not be read.{patientsFailed ? ` ${patientsFailed}` : ''}
        </p>
      )}
    </div>
  );
}

function StatusFilter({
  statuses,
  onChange,
  rows,
}: {
  statuses: WorklistStatus[];
  onChange: (s: WorklistStatus[]) => void;
  rows: WorklistRow[];
}) {
  return (
    <fieldset className="worklist-filter">
      <legend>Show follow-ups that are</legend>
      {WORKLIST_STATUSES.map((s) => {
        const count = rows.filter((r) => r.task.status === s).length;
        return (
          <label key={s} className="worklist-choice">
            <input
              type="checkbox"
              checked={statuses.includes(s)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? WORKLIST_STATUSES.filter((x) => x === s || statuses.includes(x))
                    : statuses.filter((x) => x !== s),
                )
              }
            />{' '}
            {STATUS_LABEL[s]} ({count})
          </label>
        );
      })}
    </fieldset>
  );
}

function WorklistTable({
  rows,
  total,
  selectedId,
  onOpen,
}: {
  rows: WorklistRow[];
  total: number;
  selectedId: string | undefined;
  onOpen: (id: string) => void;
}) {
  const [limit, setLimit] = useState(FIRST_ROWS);
  if (total === 0) {
    return (
      <p className="worklist-empty">
        No follow-ups for you right now, and none waiting to be claimed.
      </p>
    );
  }
  if (rows.length === 0) {
    return <p className="worklist-empty">No follow-ups match the statuses chosen above.</p>;
  }
  return (
    <table className="worklist-table">
      <caption>
        {rows.length} follow-up{rows.length === 1 ? '' : 's'}, most urgent first, then soonest due
        {rows.length > limit ? ` (the first ${limit} shown)` : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col">Priority</th>
          <th scope="col">Reason</th>
          <th scope="col">Due</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, limit).map((r) => (
          <Row key={r.task.id} row={r} selected={r.task.id === selectedId} onOpen={onOpen} />
        ))}
      </tbody>
      {rows.length > limit && (
        <tfoot>
          <tr>
            <td colSpan={5}>
              <button type="button" onClick={() => setLimit(rows.length)}>
                Show the other {rows.length - limit} follow-ups (lower priority or due later)
              </button>
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

function Row({
  row,
  selected,
  onOpen,
}: {
  row: WorklistRow;
  selected: boolean;
  onOpen: (id: string) => void;
}) {
  const { task } = row;
  const name = row.patient ? formatName(row.patient.name) : 'Name not available';
  return (
    <tr aria-current={selected ? 'true' : undefined}>
      <th scope="row">
        <button type="button" className="worklist-open" onClick={() => onOpen(task.id as string)}>
          {name}
        </button>
      </th>
      <td className={`worklist-priority worklist-priority--${row.priority.level}`}>
        {row.priority.label}
      </td>
      <td>{conceptText(task.reasonCode) ?? 'Peer follow-up'}</td>
      <td className={`worklist-due worklist-due--${row.due.level}`}>{row.due.text}</td>
      <td>
        {row.claimable ? `Unclaimed — ${statusWords(task.status)}` : statusLabel(task.status)}
      </td>
    </tr>
  );
}
