/**
 * The peer worklist's reads and writes. One round of two parallel requests:
 * the open peer Tasks with their patients (`_include=Task:patient`), and the
 * user's PractitionerRoles. Paging only adds requests past `_count` Tasks.
 */
import type { CarePlan, Patient, PractitionerRole, Reference, Task } from 'fhir/r4';
import type { Unreadable } from '../domain/evidence';
import { PEER_TASK_CODE, PEER_TASK_CODE_SYSTEM } from '../domain/taskCodes';
import { normalizeReference } from '../domain/tasks';
import { WORKLIST_STATUSES } from '../domain/worklist';
import { FhirError } from './errors';
import { readResource, type ReadResult } from './read';
import { searchAll } from './search';
import type { Transport } from './transport';
import { updateResource } from './write';

export const WORKLIST_PAGE_SIZE = 500;
const PEER_SPECIALIST_TAXONOMY = '175T00000X';

export interface WorklistUser {
  /** The user's Practitioner (or whatever fhirUser names) and their PractitionerRoles. */
  me: Reference[];
  /** Who becomes the owner when the user claims: their peer role, else their first role, else themselves. */
  claimAs: Reference;
}

export interface WorklistData {
  user: WorklistUser;
  tasks: { task: Task; etag?: string }[];
  patients: Patient[];
  unreadable: Unreadable[];
  requests: number;
  truncated: boolean;
}

/** "Practitioner/x" from a fhirUser that may be relative or an absolute URL. */
export function parseFhirUser(
  fhirUser: string | undefined,
): { type: string; id: string } | undefined {
  const ref = normalizeReference(fhirUser);
  if (!ref) return undefined;
  const [type, id] = ref.split('/') as [string, string];
  return { type, id };
}

/** Weak ETag from a resource's meta.versionId (search entries carry no ETag header). */
export function etagOf(resource: { meta?: { versionId?: string } }): string | undefined {
  const v = resource.meta?.versionId;
  return v ? `W/"${v}"` : undefined;
}

export async function loadWorklist(
  send: Transport,
  fhirUser: string | undefined,
): Promise<WorklistData> {
  const who = parseFhirUser(fhirUser);
  if (!who) {
    throw new FhirError(
      'invalid-data',
      'The EHR did not say who is signed in (no fhirUser), so the app cannot find your Tasks.',
    );
  }
  const [tasks, roles] = await Promise.all([
    searchAll<Task>(send, 'Task', {
      code: `${PEER_TASK_CODE_SYSTEM}|${PEER_TASK_CODE}`,
      status: WORKLIST_STATUSES.join(','),
      _include: 'Task:patient',
      _count: String(WORKLIST_PAGE_SIZE),
    }),
    who.type === 'Practitioner'
      ? searchAll<PractitionerRole>(send, 'PractitionerRole', { practitioner: who.id })
      : Promise.resolve(undefined),
  ]);
  const selfRef: Reference = { reference: `${who.type}/${who.id}` };
  // The display is what the clinician's summary shows as the owner.
  const roleRef = (r: PractitionerRole): Reference => ({
    reference: `PractitionerRole/${r.id}`,
    ...(r.practitioner?.display ? { display: r.practitioner.display } : {}),
  });
  const roleRefs = (roles?.resources ?? []).map(roleRef);
  const peerRole = (roles?.resources ?? []).find((r) =>
    (r.code ?? []).some((c) => (c.coding ?? []).some((x) => x.code === PEER_SPECIALIST_TAXONOMY)),
  );
  const claimAs: Reference = peerRole ? roleRef(peerRole) : (roleRefs[0] ?? selfRef);
  return {
    user: { me: [selfRef, ...roleRefs], claimAs },
    tasks: tasks.resources.map((task) => ({ task, etag: etagOf(task) })),
    patients: tasks.included.filter((r): r is Patient => r.resourceType === 'Patient'),
    unreadable: [...tasks.unreadable, ...(roles?.unreadable ?? [])],
    requests: tasks.requests + (roles?.requests ?? 0),
    truncated: tasks.truncated,
  };
}

/** Writes a Task only if it is still the version the peer saw (412 → FhirError 'conflict'). */
export async function saveTask(
  send: Transport,
  task: Task & { id: string },
  etag: string | undefined,
): Promise<ReadResult<Task>> {
  const saved = await updateResource(send, task, etag ?? etagOf(task));
  return { resource: saved.resource, etag: saved.etag ?? etagOf(saved.resource) };
}

export function readTask(send: Transport, id: string): Promise<ReadResult<Task>> {
  return readResource<Task>(send, 'Task', id);
}

export function readCarePlan(send: Transport, reference: string): Promise<ReadResult<CarePlan>> {
  const ref = normalizeReference(reference);
  if (!ref?.startsWith('CarePlan/')) {
    return Promise.reject(new FhirError('invalid-data', 'The Task names no readable CarePlan.'));
  }
  return readResource<CarePlan>(send, 'CarePlan', ref.slice('CarePlan/'.length));
}
