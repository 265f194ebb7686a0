/**
 * The peer's worklist, pure: which Tasks are theirs or claimable, most urgent
 * first (Task.priority), then by due date, with priority and due in words.
 */
import type { Patient, Reference, Task } from 'fhir/r4';
import { daysBetween, toDay, type DayNumber } from '../core/dates';
import { priorityWords, type PriorityWords } from '../core/priority';
import { actorsFor, normalizeReference } from './workflow';

/** Open statuses the worklist fetches and filters on. */
export const WORKLIST_STATUSES = ['requested', 'accepted', 'in-progress', 'on-hold'] as const;
export type WorklistStatus = (typeof WORKLIST_STATUSES)[number];

export interface WorklistRow {
  task: Task;
  /** `W/"<versionId>"` for If-Match. */
  etag?: string;
  patient?: Patient;
  dueDay?: DayNumber;
  due: DueWords;
  priority: PriorityWords;
  mine: boolean;
  claimable: boolean;
}

interface DueWords {
  text: string;
  level: 'overdue' | 'today' | 'soon' | 'later' | 'none';
}

export function dueWords(dueDay: DayNumber | undefined, today: DayNumber): DueWords {
  if (dueDay === undefined) return { text: 'No due date', level: 'none' };
  const n = daysBetween(today, dueDay);
  if (n < 0) {
    const late = -n;
    return { text: `Overdue by ${late} day${late === 1 ? '' : 's'}`, level: 'overdue' };
  }
  if (n === 0) return { text: 'Due today', level: 'today' };
  if (n === 1) return { text: 'Due tomorrow', level: 'soon' };
  return { text: `Due in ${n} days`, level: n <= 3 ? 'soon' : 'later' };
}

/**
 * Keeps the user's own Tasks and claimable ones (no owner), sorted by
 * priority (stat, asap, urgent, routine), then by due date (so overdue first
 * within a priority; no due date last), then by id for a stable order.
 */
export function buildWorklist(
  tasks: readonly { task: Task; etag?: string }[],
  patients: readonly Patient[],
  me: readonly Reference[],
  today: DayNumber,
): WorklistRow[] {
  const byRef = new Map(patients.map((p) => [`Patient/${p.id}`, p]));
  const rows: WorklistRow[] = [];
  for (const { task, etag } of tasks) {
    const actors = actorsFor(task, me);
    const mine = actors.has('owner');
    const claimable = actors.has('claimant');
    if (!mine && !claimable) continue;
    const dueDay = toDay(task.restriction?.period?.end);
    const patientRef = normalizeReference(task.for?.reference);
    rows.push({
      task,
      etag,
      patient: patientRef ? byRef.get(patientRef) : undefined,
      dueDay,
      due: dueWords(dueDay, today),
      priority: priorityWords(task.priority),
      mine,
      claimable,
    });
  }
  rows.sort(
    (a, b) =>
      a.priority.rank - b.priority.rank ||
      (a.dueDay ?? Infinity) - (b.dueDay ?? Infinity) ||
      (a.task.id ?? '').localeCompare(b.task.id ?? ''),
  );
  return rows;
}

/** Reads a `status` filter (comma-separated) from a query string; unknown values are dropped. */
export function parseStatusFilter(search: string): WorklistStatus[] {
  const raw = new URLSearchParams(search).get('status');
  if (!raw) return [...WORKLIST_STATUSES];
  if (raw === 'none') return [];
  const wanted = raw.split(',');
  const picked = WORKLIST_STATUSES.filter((s) => wanted.includes(s));
  return picked.length ? picked : [...WORKLIST_STATUSES];
}

/** The query string with the status filter set (removed when it is the default: all). */
export function withStatusFilter(search: string, statuses: readonly WorklistStatus[]): string {
  const params = new URLSearchParams(search);
  const all = WORKLIST_STATUSES.every((s) => statuses.includes(s));
  if (all) params.delete('status');
  else if (statuses.length === 0) params.set('status', 'none');
  else params.set('status', WORKLIST_STATUSES.filter((s) => statuses.includes(s)).join(','));
  const q = params.toString();
  return q ? `?${q}` : '';
}
